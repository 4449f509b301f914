/**
 * Never miss the 5-second deadline (saas.md §1, §4.1: "do not block; finish asynchronously").
 *
 * `start` runs an adapter call for at most the product's budget. If it finishes, the caller answers
 * with its result as usual. If not, the caller answers `000000` at once and commits a job row in the
 * same transaction as its answer; the running attempt then settles that job. Jobs whose holder died or
 * whose attempt failed are retried with backoff by `tick` in whichever process gets them, up to
 * `maxAttempts`, and every background outcome is written to the event log.
 */
import { randomBytes } from "node:crypto";
import { inject, injectable } from "tsyringe";
import { describeError } from "../../errors.js";
import { EventLog } from "../../store/events.js";
import { InstanceStore } from "../../store/instances.js";
import { JobStore, type Job } from "../../store/jobs.js";
import { CLOCK, DATABASE, LOGGER, type Clock, type Knex, type Logger } from "../../tokens.js";
import type { NewInstanceResult } from "./adapter.js";
import type { ServedSaasProduct } from "./activities.js";
import { adapterContext } from "./call-context.js";
import { commitBackgroundSuccess, deserialiseCall, invokeAdapter, serialiseCall, type DeferrableCall } from "./adapter-calls.js";

/** How long a job is held without a heartbeat; a holder renews it every third of that. */
export const JOB_LEASE_MS = 15_000;
/** How often due jobs are looked for. */
export const OUTBOX_POLL_MS = 500;

export type Started =
  | { finished: true; result: NewInstanceResult | void }
  | {
      finished: false;
      /** adds the job row; call inside the transaction that commits the answer */
      enqueue(trx: Knex.Transaction): Promise<void>;
      /** call once that transaction committed: the running attempt may now settle the job */
      afterCommit(): void;
    };

type Settled = { ok: true; value: NewInstanceResult | void } | { ok: false; error: unknown };

@injectable()
export class Outbox {
  /** this process's identity as a job holder */
  readonly owner = randomBytes(12).toString("base64url");
  private readonly running = new Map<number, Promise<void>>();
  private lookup: (id: string) => ServedSaasProduct | undefined = () => undefined;
  private poll?: NodeJS.Timeout;
  private heartbeat?: NodeJS.Timeout;
  private ticking = false;
  private stopping = false;

  constructor(
    @inject(DATABASE) private readonly db: Knex,
    private readonly jobs: JobStore,
    private readonly instances: InstanceStore,
    private readonly events: EventLog,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Starts polling for due jobs of the products `lookup` knows. */
  startPolling(lookup: (id: string) => ServedSaasProduct | undefined, pollMs = OUTBOX_POLL_MS): void {
    this.lookup = lookup;
    this.poll = setInterval(() => void this.tick(), pollMs);
    this.poll.unref();
    this.heartbeat = setInterval(() => void this.renewLeases(), JOB_LEASE_MS / 3);
    this.heartbeat.unref();
  }

  /**
   * Runs `call` for at most the product's budget.
   * @throws whatever the adapter threw within the budget (the caller answers with it, nothing cached)
   */
  async start(sp: ServedSaasProduct, call: DeferrableCall, test: boolean, ctx: Parameters<typeof invokeAdapter>[2]): Promise<Started> {
    const attempt = invokeAdapter(sp.adapter, call, ctx);
    const settled: Promise<Settled> = attempt.then(
      (value) => ({ ok: true, value }),
      (error: unknown) => ({ ok: false, error }),
    );
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<"budget">((r) => (timer = setTimeout(() => r("budget"), sp.product.provisioning.budgetMs)));
    const first = await Promise.race([settled, budget]);
    clearTimeout(timer);
    if (first !== "budget") {
      if (first.ok) return { finished: true, result: first.value };
      throw first.error;
    }
    let jobId: number | undefined;
    return {
      finished: false,
      enqueue: async (trx) => {
        const now = this.clock.now();
        jobId = await this.jobs.insert(
          { productId: sp.product.id, activity: call.activity, instanceId: call.request.instanceId, payload: serialiseCall(call), test, owner: this.owner, leaseUntil: now + JOB_LEASE_MS, nowMs: now },
          trx,
        );
      },
      afterCommit: () => {
        const job: Job = { id: jobId!, productId: sp.product.id, activity: call.activity, instanceId: call.request.instanceId, payload: "", test, attempts: 1 };
        this.logger.info("adapter work goes on after the answer", { product: sp.product.id, activity: call.activity, instanceId: job.instanceId, job: job.id });
        this.follow(job, sp, call, withTimeout(settled, sp.product.provisioning.attemptTimeoutMs));
      },
    };
  }

  /** Runs the due jobs this process can take (also called by the timer). */
  async tick(): Promise<void> {
    if (this.ticking || this.stopping) return;
    this.ticking = true;
    try {
      const due = await this.jobs.claimDue(this.owner, this.clock.now(), JOB_LEASE_MS, 8);
      for (const job of due) {
        const sp = this.lookup(job.productId);
        if (!sp) {
          await this.jobs.retry(job.id, this.owner, "product no longer served", this.clock.now() + 60_000, false, this.clock.now());
          continue;
        }
        const call = deserialiseCall(job.activity, job.payload);
        const ctx = adapterContext(sp.product, this.logger, job, { job: job.id });
        const attempt = Promise.resolve()
          .then(() => invokeAdapter(sp.adapter, call, ctx))
          .then(
            (value): Settled => ({ ok: true, value }),
            (error: unknown): Settled => ({ ok: false, error }),
          );
        this.follow(job, sp, call, withTimeout(attempt, sp.product.provisioning.attemptTimeoutMs));
      }
    } catch (err) {
      this.logger.warn("outbox poll failed; will try again", { error: describeError(err) });
    } finally {
      this.ticking = false;
    }
  }

  /** Stops polling, waits up to `graceMs` for running attempts, then lets other processes take the rest. */
  async stop(graceMs = 5_000): Promise<void> {
    this.stopping = true;
    clearInterval(this.poll);
    clearInterval(this.heartbeat);
    const all = Promise.allSettled([...this.running.values()]);
    await Promise.race([all, new Promise((r) => setTimeout(r, graceMs).unref())]);
    if (this.running.size > 0) {
      const n = await this.jobs.release(this.owner, this.clock.now()).catch(() => 0);
      this.logger.warn("stopped with adapter work still running; its jobs are left for another process or the next start", { jobs: n });
    }
  }

  /** Number of attempts this process is running now. */
  get busy(): number {
    return this.running.size;
  }

  private follow(job: Job, sp: ServedSaasProduct, call: DeferrableCall, attempt: Promise<Settled>): void {
    const done = attempt
      .then((s) => this.settle(job, sp, call, s))
      .catch((err: unknown) => this.logger.error("could not record the outcome of adapter work; the job will be retried", { job: job.id, error: describeError(err) }))
      .finally(() => this.running.delete(job.id));
    this.running.set(job.id, done);
  }

  private async settle(job: Job, sp: ServedSaasProduct, call: DeferrableCall, s: Settled): Promise<void> {
    const now = this.clock.now();
    const base = { at: now, productId: sp.product.id, activity: job.activity, instanceId: job.instanceId, durationMs: 0, test: job.test, response: "" };
    if (s.ok) {
      await this.db.transaction(async (trx) => {
        if (!(await this.jobs.finish(job.id, this.owner, now, trx))) return; // another process holds it now
        await commitBackgroundSuccess(this.instances, sp.product, call, s.value, now, trx);
        await this.events.append({ ...base, verdict: "processed", resultCode: "000000", detail: `background attempt ${job.attempts} succeeded` }, trx);
      });
      this.logger.info("adapter work finished", { product: sp.product.id, activity: job.activity, instanceId: job.instanceId, attempt: job.attempts });
      return;
    }
    const { maxAttempts, retryBaseMs } = sp.product.provisioning;
    const giveUp = job.attempts >= maxAttempts;
    const error = describeError(s.error);
    // whole milliseconds: the column is a BIGINT, which PostgreSQL will not fill with a fraction
    const nextAt = now + Math.round(Math.min(retryBaseMs * 2 ** (job.attempts - 1), 300_000) * (0.75 + Math.random() * 0.25));
    await this.db.transaction(async (trx) => {
      if (!(await this.jobs.retry(job.id, this.owner, error, nextAt, giveUp, now, trx))) return;
      if (giveUp && call.activity === "newInstance") {
        await this.instances.update(sp.product.id, job.instanceId, { state: "failed", updatedAt: now }, trx);
      }
      await this.events.append(
        {
          ...base,
          verdict: "failed",
          resultCode: "000005",
          detail: giveUp ? `gave up after ${job.attempts} attempts: ${error}` : `attempt ${job.attempts} failed, retry in ${Math.round((nextAt - now) / 1000)} s: ${error}`,
        },
        trx,
      );
    });
    (giveUp ? this.logger.error : this.logger.warn)(giveUp ? "adapter work failed for good" : "adapter work failed; will retry", {
      product: sp.product.id,
      activity: job.activity,
      instanceId: job.instanceId,
      attempt: job.attempts,
      error,
    });
  }

  private async renewLeases(): Promise<void> {
    if (this.running.size === 0) return;
    const now = this.clock.now();
    await this.db("koogate_jobs")
      .whereIn("id", [...this.running.keys()])
      .andWhere({ owner: this.owner, state: "pending" })
      .update({ lease_until: now + JOB_LEASE_MS })
      .catch((e: Error) => this.logger.warn("could not renew job leases", { error: e.message }));
  }
}

/** An attempt that has not settled after `ms` counts as failed; the adapter call itself cannot be cancelled. */
function withTimeout(p: Promise<Settled>, ms: number): Promise<Settled> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<Settled>((r) => {
    t = setTimeout(() => r({ ok: false, error: new Error(`the adapter did not answer within ${ms} ms`) }), ms);
    t.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}
