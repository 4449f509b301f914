import { inject, injectable } from "tsyringe";
import { DATABASE, type Knex } from "../tokens.js";
import { ORDERED_ACTIVITIES } from "../lifecycle/delivery.js";

export interface Job {
  id: number;
  productId: string;
  /** the job type, as the kind registered its handler */
  activity: string;
  instanceId: string;
  payload: string;
  test: boolean;
  attempts: number;
}

export interface NewJob {
  productId: string;
  activity: string;
  instanceId: string;
  payload: string;
  test: boolean;
  nowMs: number;
}

/** A job whose first attempt is already running in `owner`. */
export interface RunningJob extends NewJob {
  owner: string;
  /** until when that attempt holds the job */
  leaseUntil: number;
}

/** A job to be run later by whichever process polls first, at most once per `dedupeKey`. */
export interface LaterJob extends NewJob {
  /** unique per product: a second enqueue with the same key adds nothing */
  dedupeKey: string;
  /** not before this time (ms); default now */
  runAt?: number;
}

type Db = Knex | Knex.Transaction;

/** A job as the operator page lists it. */
export interface JobView {
  id: number;
  productId: string;
  activity: string;
  instanceId: string;
  /** pending, running (pending and held by a process), failed (parked or given up), done */
  state: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: number;
  createdAt: number;
  updatedAt: number;
}

/** The jobs of each type in each open state, and the age of the oldest pending one. */
export interface JobFigures {
  jobs: Array<{ type: string; state: "pending" | "running" | "failed"; count: number }>;
  /** 0 when none is pending */
  oldestPendingSeconds: number;
}

export const JOBS_TABLE = "koogate_jobs";

/**
 * The outbox's table. A job is held by one process at a time through `owner` + `lease_until`
 * (conditional updates, so it stays true with several processes on one database); a lease that runs out
 * (the holder died or hangs) lets any process take the job over.
 */
@injectable()
export class JobStore {
  constructor(@inject(DATABASE) private readonly db: Knex) {}

  /** Adds a job whose first attempt is already running in `owner`. @returns its id */
  async insertRunning(j: RunningJob, trx: Db): Promise<number> {
    const rows: Array<{ id: number | string } | number> = await trx(JOBS_TABLE)
      .insert({ ...this.row(j), attempts: 1, owner: j.owner, lease_until: j.leaseUntil })
      .returning("id");
    const first = rows[0]!;
    return Number(typeof first === "object" ? first.id : first);
  }

  /**
   * Adds a job that no process holds yet: due now when its first attempt has not run, or, after a failed
   * first attempt (`attempts: 1`), due at `nextAt` with that attempt's error.
   */
  async insertQueued(j: NewJob & { attempts?: number; nextAt?: number; lastError?: string }, trx: Db): Promise<void> {
    const { attempts = 0, nextAt, lastError, ...job } = j;
    await trx(JOBS_TABLE).insert({ ...this.row(job), attempts, owner: null, lease_until: 0, next_attempt_at: nextAt ?? j.nowMs, last_error: lastError?.slice(0, 500) ?? null });
  }

  /** Adds a job for later; false when one with the same dedupe key exists already (nothing added). */
  async enqueue(j: LaterJob, trx: Db = this.db): Promise<boolean> {
    const rows: unknown[] = await trx(JOBS_TABLE)
      .insert({ ...this.row(j), attempts: 0, owner: null, lease_until: 0, next_attempt_at: j.runAt ?? j.nowMs, dedupe_key: j.dedupeKey })
      .onConflict(["product_id", "dedupe_key"])
      .ignore()
      .returning("id");
    return rows.length === 1;
  }

  private row(j: NewJob) {
    return {
      product_id: j.productId,
      activity: j.activity,
      instance_id: j.instanceId,
      payload: j.payload,
      test: j.test,
      state: "pending",
      next_attempt_at: j.nowMs,
      last_error: null,
      created_at: j.nowMs,
      updated_at: j.nowMs,
    };
  }

  /**
   * Takes up to `limit` due jobs whose lease ran out, for `owner`, counting an attempt for each. A
   * lifecycle job (ORDERED_ACTIVITIES) waits while an older one of its instance is still pending, so the
   * adapter hears an instance's changes in the order they were answered.
   */
  async claimDue(owner: string, nowMs: number, leaseMs: number, limit: number): Promise<Job[]> {
    const candidates: Array<Record<string, unknown>> = await this.db(JOBS_TABLE)
      .where("state", "pending")
      .andWhere("next_attempt_at", "<=", nowMs)
      .andWhere("lease_until", "<", nowMs)
      .whereNotExists((older) =>
        older
          .select(this.db.raw("1"))
          .from(`${JOBS_TABLE} as older`)
          .whereRaw(`older.product_id = ${JOBS_TABLE}.product_id AND older.instance_id = ${JOBS_TABLE}.instance_id AND older.id < ${JOBS_TABLE}.id`)
          .andWhere("older.state", "pending")
          .whereIn("older.activity", ORDERED_ACTIVITIES)
          .whereIn(`${JOBS_TABLE}.activity`, ORDERED_ACTIVITIES),
      )
      .orderBy("next_attempt_at")
      .limit(limit);
    const won: Job[] = [];
    for (const c of candidates) {
      const n = await this.db(JOBS_TABLE)
        .where({ id: c.id, state: "pending" })
        .andWhere("lease_until", "<", nowMs)
        .update({ owner, lease_until: nowMs + leaseMs, attempts: Number(c.attempts) + 1, updated_at: nowMs });
      if (n === 1) {
        won.push({
          id: Number(c.id),
          productId: String(c.product_id),
          activity: String(c.activity),
          instanceId: String(c.instance_id),
          payload: String(c.payload),
          test: Boolean(c.test),
          attempts: Number(c.attempts) + 1,
        });
      }
    }
    return won;
  }

  /** Whether a lifecycle job (ORDERED_ACTIVITIES) of this instance is still pending: new work for it then queues behind. */
  async pendingFor(productId: string, instanceId: string): Promise<boolean> {
    const row = await this.db(JOBS_TABLE).where({ product_id: productId, instance_id: instanceId, state: "pending" }).whereIn("activity", ORDERED_ACTIVITIES).first("id");
    return row !== undefined;
  }

  /** Marks the job done; false when `owner` no longer holds it. */
  async finish(id: number, owner: string, nowMs: number, trx: Db): Promise<boolean> {
    const n = await trx(JOBS_TABLE).where({ id, owner, state: "pending" }).update({ state: "done", updated_at: nowMs, last_error: null });
    return n === 1;
  }

  /** Schedules another attempt at `nextAt`, or gives up (`failed`) when `giveUp`. False when `owner` no longer holds it. */
  async retry(id: number, owner: string, error: string, nextAt: number, giveUp: boolean, nowMs: number, trx: Db = this.db): Promise<boolean> {
    const n = await trx(JOBS_TABLE)
      .where({ id, owner, state: "pending" })
      .update({ state: giveUp ? "failed" : "pending", next_attempt_at: nextAt, lease_until: 0, last_error: error.slice(0, 500), updated_at: nowMs });
    return n === 1;
  }

  /** Marks a job that cannot run here (unknown type, product no longer served) failed, with why. */
  async park(id: number, owner: string, why: string, nowMs: number): Promise<boolean> {
    return this.retry(id, owner, why, nowMs, true, nowMs);
  }

  /** Extends the leases of the jobs `owner` is running (its heartbeat). */
  async renew(ids: readonly number[], owner: string, leaseUntil: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db(JOBS_TABLE).whereIn("id", ids).andWhere({ owner, state: "pending" }).update({ lease_until: leaseUntil });
  }

  /** Lets other processes take over every job `owner` still holds (a graceful shutdown). */
  async release(owner: string, nowMs: number): Promise<number> {
    return this.db(JOBS_TABLE).where({ owner, state: "pending" }).update({ lease_until: 0, next_attempt_at: nowMs, updated_at: nowMs });
  }

  /**
   * The open jobs by type and state, in one grouped statement (read at each metrics scrape). A pending
   * job whose lease has not run out is being run by a process: it counts as running.
   */
  async figures(nowMs: number): Promise<JobFigures> {
    const rows: Array<Record<string, unknown>> = await this.db(JOBS_TABLE)
      .select("activity", "state")
      .select(this.db.raw("CASE WHEN state = 'pending' AND lease_until >= ? THEN 1 ELSE 0 END AS held", [nowMs]))
      .count({ n: "*" })
      .min({ oldest: "created_at" })
      .whereIn("state", ["pending", "failed"])
      .groupByRaw("activity, state, 3");
    let oldest = Infinity;
    const jobs = rows.map((r) => {
      const running = Number(r.held) === 1;
      if (r.state === "pending" && !running) oldest = Math.min(oldest, Number(r.oldest));
      return { type: String(r.activity), state: r.state === "failed" ? ("failed" as const) : running ? ("running" as const) : ("pending" as const), count: Number(r.n) };
    });
    return { jobs, oldestPendingSeconds: oldest === Infinity ? 0 : Math.max(0, (nowMs - oldest) / 1000) };
  }

  /** How many jobs of each product are parked as failed (the alarm's "parked job" condition). */
  async failedByProduct(): Promise<Map<string, number>> {
    const rows: Array<Record<string, unknown>> = await this.db(JOBS_TABLE).select("product_id").count({ n: "*" }).where("state", "failed").groupBy("product_id");
    return new Map(rows.map((r) => [String(r.product_id), Number(r.n)]));
  }

  /** The newest jobs (failed ones first), optionally of one instance, for the operator page. */
  async list(q: { productId?: string; instanceId?: string; limit?: number }, nowMs: number): Promise<JobView[]> {
    let sql = this.db(JOBS_TABLE)
      .orderByRaw("CASE WHEN state = 'failed' THEN 0 ELSE 1 END")
      .orderBy("id", "desc")
      .limit(q.limit ?? 100);
    if (q.productId) sql = sql.where("product_id", q.productId);
    if (q.instanceId) sql = sql.where("instance_id", q.instanceId);
    const rows: Array<Record<string, unknown>> = await sql;
    return rows.map((r) => ({
      id: Number(r.id),
      productId: String(r.product_id),
      activity: String(r.activity),
      instanceId: String(r.instance_id),
      state: r.state === "pending" && Number(r.lease_until) >= nowMs ? "running" : String(r.state),
      attempts: Number(r.attempts),
      lastError: (r.last_error as string | null) ?? null,
      nextAttemptAt: Number(r.next_attempt_at),
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
    }));
  }

  /**
   * Puts a job parked as failed back in the queue, due now, for one more attempt (the operator's
   * "retry now"; its attempts are kept, so another failure parks it again). False when it is not failed.
   */
  async retryNow(id: number, nowMs: number): Promise<boolean> {
    const n = await this.db(JOBS_TABLE).where({ id, state: "failed" }).update({ state: "pending", owner: null, lease_until: 0, next_attempt_at: nowMs, updated_at: nowMs });
    return n === 1;
  }
}
