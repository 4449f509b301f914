/**
 * Never miss the 5-second deadline (docs/marketplace/saas.md §1, §4.1: "do not block; finish asynchronously"), and run
 * work that is queued for later (an order to fetch, usage to push) exactly once.
 *
 * `start` runs a first attempt for at most a budget. If it finishes, the caller answers with its
 * result as usual. If not, the caller answers at once and commits a job row in the same transaction as
 * its answer; the running attempt then settles that job. Adapter work runs under a per-process bound
 * (./admission.ts): a call that finds no free slot within a short wait is not run at all; it is answered
 * at once with a queued job row, which the outbox runs as soon as a slot is free. `enqueue` adds a job
 * for later, once per dedupe key. Jobs whose holder died or whose attempt failed are retried with backoff by `tick` in
 * whichever process gets them, through the handler their product's kind registered for their type,
 * and every background outcome is written to the event log. A job whose product or type is unknown
 * here is parked as failed, never left to block the others.
 */
import { randomBytes } from "node:crypto";
import { RESULT_CODES } from "../vocabulary.js";
import { inject, injectable } from "tsyringe";
import { CallError, describeError } from "../errors.js";
import type { Served } from "../kinds/kind.js";
import { adapterLogger } from "../serving/call-context.js";
import { EventLog } from "../store/events.js";
import { JobStore, type Job, type LaterJob } from "../store/jobs.js";
import { CLOCK, CONFIG, DATABASE, LOGGER, type Clock, type Config, type Knex, type Logger } from "../tokens.js";
import { Admission, holdUntil, type Release } from "./admission.js";
import { PermanentJobError, type JobHandler, type RetryPolicy } from "./handlers.js";
import { ADAPTER_BUDGET_MS } from "../settings/timings.js";

/** How long a job is held without a heartbeat; a holder renews it every third of that. */
export const JOB_LEASE_MS = 15_000;
/** How often due jobs are looked for. */
export const OUTBOX_POLL_MS = 500;
/** How long an outbox attempt holds an adapter slot at most, unless its policy says (`RetryPolicy.budgetMs`): a first attempt's budget. */
export const DEFAULT_SLOT_HOLD_MS = ADAPTER_BUDGET_MS;
/** Jobs taken per poll. */
const BATCH = 8;

export type Started<T> =
  | { finished: true; result: T }
  | {
      finished: false;
      /** adds the job row; call inside the transaction that commits the answer */
      enqueue(trx: Knex.Transaction): Promise<void>;
      /** call once that transaction committed: the running attempt may now settle the job */
      afterCommit(): void;
      /**
       * why there is no result yet: the budget ran out, no adapter slot was free (nothing ran), the
       * attempt failed on a call the marketplace makes once (`StartOptions.once`): queued for a retry, or
       * earlier work of the instance is still queued (`StartOptions.ordered`): queued behind it
       */
      deferred: "budget" | "busy" | "failed" | "behind";
      /** what the failed attempt threw (deferred "failed") */
      error?: string;
    };

/** How `start` treats the first attempt. */
export interface StartOptions {
  /**
   * The marketplace makes this call once (core/lifecycle/delivery.ts): a failure within the budget (a
   * throw other than a CallError, which is a deliberate answer) is not answered as a failure but
   * handed to the outbox, due after the retry policy's first backoff, so the work is never lost.
   */
  once?: boolean;
  /**
   * The work changes what the buyer may use (core/lifecycle/delivery.ts ORDERED_ACTIVITIES): when earlier
   * such work of the same instance is still pending in the outbox, this work is not run now but queued
   * behind it, so the adapter hears the instance's changes in order.
   */
  ordered?: boolean;
}

/** A job as `start` describes it before it has a row. */
export interface JobSpec {
  activity: string;
  instanceId: string;
  /**
   * what `JobHandler.run` needs to run it again (never a secret or personal value in clear); built
   * only when the work outlives its call, since sealing it on every call would tax the fast path
   */
  payload: () => string;
  test: boolean;
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

/** What the outbox needs from the kernel: the product served under an id. */
export type ServedLookup = (productId: string) => Served | undefined;

@injectable()
export class Outbox {
  /** this process's identity as a job holder */
  readonly owner = randomBytes(12).toString("base64url");
  private readonly running = new Map<number, Promise<void>>();
  private lookup: ServedLookup = () => undefined;
  private poll?: NodeJS.Timeout;
  private heartbeat?: NodeJS.Timeout;
  private ticking = false;
  private stopping = false;
  /** when a poll last read the table (ms), for readiness; undefined before the first */
  polledAt?: number;
  /** the bound on adapter work running in this process */
  readonly admission: Admission;
  private readonly waitMs: number;
  /** calls handed over so far: a poll that found fewer due jobs than it could take clears `queued` only if none came since */
  private handedOver = 0;
  /** jobs may be due here now (handed over, or a poll took all it could): a free slot polls at once */
  private queued = false;
  private pollAgain = false;
  private pollScheduled = false;

  constructor(
    @inject(DATABASE) private readonly db: Knex,
    private readonly jobs: JobStore,
    private readonly events: EventLog,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(CONFIG) config: Pick<Config, "adapterConcurrency" | "adapterWaitMs">,
  ) {
    this.admission = new Admission(config.adapterConcurrency);
    this.waitMs = config.adapterWaitMs;
    this.admission.onIdle(() => this.pollSoon());
  }

  /** Starts polling for due jobs of the products `lookup` knows. */
  startPolling(lookup: ServedLookup, pollMs = OUTBOX_POLL_MS): void {
    this.lookup = lookup;
    this.poll = setInterval(() => void this.tick(), pollMs);
    this.poll.unref();
    this.heartbeat = setInterval(() => void this.renewLeases(), JOB_LEASE_MS / 3);
    this.heartbeat.unref();
  }

  /**
   * Runs a first attempt for at most `budgetMs` (counted from this call, the wait for a slot included).
   * When no adapter slot comes free within the configured wait, `run` is not called: the work is handed
   * to the outbox at once.
   * @throws whatever the attempt threw within the budget (the caller answers with it, nothing cached)
   */
  async start<T>(served: Served, spec: JobSpec, run: () => Promise<T>, budgetMs: number, options: StartOptions = {}): Promise<Started<T>> {
    const t0 = performance.now();
    if (options.ordered && (await this.jobs.pendingFor(served.product.id, spec.instanceId))) return this.handOver(served, spec, "behind");
    const release = await this.admission.take(Math.min(this.waitMs, budgetMs));
    if (!release) return this.handOver(served, spec);
    let settled: Promise<Settled>;
    try {
      settled = run().then(
        (value) => ({ ok: true, value }),
        (error: unknown) => ({ ok: false, error }),
      );
    } catch (err) {
      release();
      throw err;
    }
    // the slot is held while the adapter works, at most the budget: an adapter still busy then waits on
    // something else than this process (a slow or hung backend), and must not keep the others from running
    holdUntil(release, settled, budgetMs);
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<"budget">((r) => (timer = setTimeout(() => r("budget"), Math.max(0, budgetMs - (performance.now() - t0)))));
    const first = await Promise.race([settled, budget]);
    clearTimeout(timer);
    if (first !== "budget") {
      if (first.ok) return { finished: true, result: first.value as T };
      if (options.once && !(first.error instanceof CallError)) return this.retryLater(served, spec, first.error);
      throw first.error;
    }
    const productId = served.product.id;
    let jobId: number | undefined;
    let payload = "";
    return {
      finished: false,
      deferred: "budget",
      enqueue: async (trx) => {
        const now = this.clock.now();
        payload = spec.payload();
        jobId = await this.jobs.insertRunning({ productId, ...spec, payload, owner: this.owner, leaseUntil: now + JOB_LEASE_MS, nowMs: now }, trx);
      },
      afterCommit: () => {
        const job: Job = { id: jobId!, productId, activity: spec.activity, instanceId: spec.instanceId, payload, test: spec.test, attempts: 1 };
        this.logger.info("adapter work goes on after the answer", { product: productId, activity: spec.activity, instanceId: job.instanceId, job: job.id });
        const handler = this.handlerOf(served, job.activity);
        if (!handler) return void this.logger.error("no handler for a job just queued; it will be parked", { product: productId, activity: job.activity });
        this.follow(job, served, handler, withTimeout(settled, handler.policy(served).attemptTimeoutMs));
      },
    };
  }

  /**
   * No slot for this call's adapter work: the caller answers now and commits a queued job with its
   * answer, which this process (or any other) runs once a slot is free.
   */
  private handOver<T>(served: Served, spec: JobSpec, why: "busy" | "behind" = "busy"): Started<T> {
    const productId = served.product.id;
    return {
      finished: false,
      deferred: why,
      enqueue: (trx) => this.jobs.insertQueued({ productId, ...spec, payload: spec.payload(), nowMs: this.clock.now() }, trx),
      afterCommit: () => {
        const msg = why === "busy" ? "adapter busy: answered now, the work is queued in the outbox" : "earlier work of this instance is queued: answered now, this work is queued behind it";
        this.logger.info(msg, { product: productId, activity: spec.activity, instanceId: spec.instanceId });
        this.handedOver++;
        this.queued = true;
        this.pollSoon();
      },
    };
  }

  /**
   * A call made once whose first attempt failed: the caller answers 000000 and commits a job with its
   * answer, counted as one attempt and due after the first backoff (then retried until it succeeds or
   * is parked, which raises the delisting-risk alarm and offers "Retry now" on /ops/jobs).
   */
  private retryLater<T>(served: Served, spec: JobSpec, thrown: unknown): Started<T> {
    const productId = served.product.id;
    const error = describeError(thrown);
    const policy = this.handlerOf(served, spec.activity)?.policy(served);
    return {
      finished: false,
      deferred: "failed",
      error,
      enqueue: async (trx) => {
        const now = this.clock.now();
        await this.jobs.insertQueued({ productId, ...spec, payload: spec.payload(), nowMs: now, attempts: 1, nextAt: now + (policy?.retryBaseMs ?? 1000), lastError: error }, trx);
      },
      afterCommit: () => {
        this.logger.warn("adapter failed on a call the marketplace makes once: answered 000000, the work is queued in the outbox", {
          product: productId,
          activity: spec.activity,
          instanceId: spec.instanceId,
          error,
        });
      },
    };
  }

  /** Polls for due jobs at once (after the current poll, if one is running) when some may be waiting and a slot is free. */
  private pollSoon(): void {
    if (!this.queued || this.stopping || !this.poll || this.admission.idle === 0) return;
    if (this.ticking) return void (this.pollAgain = true);
    if (this.pollScheduled) return;
    this.pollScheduled = true;
    setImmediate(() => {
      this.pollScheduled = false;
      void this.tick();
    });
  }

  /** Adds a job to be run later, once per `dedupeKey`. @returns false when it was queued already */
  enqueue(job: Omit<LaterJob, "nowMs">, trx?: Knex.Transaction): Promise<boolean> {
    return this.jobs.enqueue({ ...job, nowMs: this.clock.now() }, trx);
  }

  /** Runs the due jobs this process can take (also called by the timer). */
  async tick(): Promise<void> {
    if (this.ticking || this.stopping) return;
    this.ticking = true;
    this.pollAgain = false;
    // slots first, then jobs: a job is only taken when it can run now (waiting calls come first)
    const slots: Release[] = [];
    for (let r = this.admission.tryTake(); r; r = slots.length < BATCH ? this.admission.tryTake() : undefined) slots.push(r);
    const handedOver = this.handedOver;
    try {
      // alive, for readiness, even when every slot is busy and nothing can be taken now
      this.polledAt = this.clock.now();
      if (slots.length === 0) return;
      const due = await this.jobs.claimDue(this.owner, this.clock.now(), JOB_LEASE_MS, slots.length);
      if (due.length === slots.length) this.queued = true;
      else if (handedOver === this.handedOver) this.queued = false;
      for (const job of due) {
        const release = slots.pop()!;
        try {
          await this.begin(job, release);
        } catch (err) {
          release();
          // one job that cannot even begin never holds up the rest of its batch
          await this.park(job, `could not start: ${describeError(err)}`);
        }
      }
    } catch (err) {
      // back to the timer's pace: a database that cannot be heard is not asked again at once
      this.queued = false;
      this.logger.warn("outbox poll failed; will try again", { error: describeError(err) });
    } finally {
      for (const release of slots) release();
      this.ticking = false;
      if (this.pollAgain) this.pollSoon();
    }
  }

  private async begin(job: Job, release: Release): Promise<void> {
    const served = this.lookup(job.productId);
    const handler = served && this.handlerOf(served, job.activity);
    if (!served || !handler) {
      release();
      return this.park(job, served ? `kind ${served.kind.name} has no job type "${job.activity}"` : "product no longer served");
    }
    const logger = adapterLogger(this.logger, served.product, { activity: job.activity, instanceId: job.instanceId, job: job.id });
    const attempt = Promise.resolve()
      .then(() => handler.run(served, job, logger))
      .then(
        (value): Settled => ({ ok: true, value }),
        (error: unknown): Settled => ({ ok: false, error }),
      );
    holdUntil(release, attempt, handler.policy(served).budgetMs ?? DEFAULT_SLOT_HOLD_MS);
    this.follow(job, served, handler, withTimeout(attempt, handler.policy(served).attemptTimeoutMs));
  }

  private handlerOf(served: Served, activity: string): JobHandler | undefined {
    const handlers = this.handlers.get(served.kind.name);
    return handlers && Object.hasOwn(handlers, activity) ? handlers[activity] : undefined;
  }

  private readonly handlers = new Map<string, Readonly<Record<string, JobHandler>>>();

  /** The job handlers of a kind, registered by the kernel at start. */
  register(kind: string, handlers: Readonly<Record<string, JobHandler>>): void {
    this.handlers.set(kind, handlers);
  }

  /** A job that cannot run in this process is marked failed, with a log line; never retried blindly. */
  private async park(job: Job, why: string): Promise<void> {
    const parked = await this.jobs.park(job.id, this.owner, why, this.clock.now()).catch(() => false);
    if (parked) this.logger.error("outbox job parked as failed", { job: job.id, product: job.productId, activity: job.activity, why });
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

  private follow(job: Job, served: Served, handler: JobHandler, attempt: Promise<Settled>): void {
    const done = attempt
      .then((s) => this.settle(job, served, handler, s))
      .catch((err: unknown) => this.logger.error("could not record the outcome of adapter work; the job will be retried", { job: job.id, error: describeError(err) }))
      .finally(() => this.running.delete(job.id));
    this.running.set(job.id, done);
  }

  private async settle(job: Job, served: Served, handler: JobHandler, s: Settled): Promise<void> {
    const now = this.clock.now();
    const productId = served.product.id;
    const base = { at: now, productId, activity: job.activity, instanceId: job.instanceId, durationMs: 0, test: job.test, response: "" };
    if (s.ok) {
      const finished = await this.db.transaction(async (trx) => {
        if (!(await this.jobs.finish(job.id, this.owner, now, trx))) return false; // another process holds it now
        await handler.succeeded?.(served, job, s.value, now, trx);
        await this.events.append({ ...base, verdict: "processed", resultCode: RESULT_CODES.success, detail: `background attempt ${job.attempts} succeeded` }, trx);
        return true;
      });
      if (finished) this.logger.info("adapter work finished", { product: productId, activity: job.activity, instanceId: job.instanceId, attempt: job.attempts });
      return;
    }
    const policy: RetryPolicy = handler.policy(served);
    const giveUp = job.attempts >= policy.maxAttempts || s.error instanceof PermanentJobError;
    const error = describeError(s.error);
    // whole milliseconds: the column is a BIGINT, which PostgreSQL will not fill with a fraction
    const nextAt = now + Math.round(Math.min(policy.retryBaseMs * 2 ** (job.attempts - 1), 300_000) * (0.75 + Math.random() * 0.25));
    const recorded = await this.db.transaction(async (trx) => {
      if (!(await this.jobs.retry(job.id, this.owner, error, nextAt, giveUp, now, trx))) return false;
      if (giveUp) await handler.gaveUp?.(served, job, now, trx);
      await this.events.append(
        {
          ...base,
          verdict: "failed",
          resultCode: RESULT_CODES.internalError,
          detail: giveUp ? `gave up after ${job.attempts} attempts: ${error}` : `attempt ${job.attempts} failed, retry in ${Math.round((nextAt - now) / 1000)} s: ${error}`,
        },
        trx,
      );
      return true;
    });
    if (!recorded) return;
    (giveUp ? this.logger.error : this.logger.warn)(giveUp ? "adapter work failed for good" : "adapter work failed; will retry", {
      product: productId,
      activity: job.activity,
      instanceId: job.instanceId,
      attempt: job.attempts,
      error,
    });
  }

  private async renewLeases(): Promise<void> {
    if (this.running.size === 0) return;
    await this.jobs
      .renew([...this.running.keys()], this.owner, this.clock.now() + JOB_LEASE_MS)
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
