import { inject, injectable } from "tsyringe";
import { DATABASE, type Knex } from "../tokens.js";

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

  /** Adds a job due now that no process holds yet (the first attempt has not run). */
  async insertQueued(j: NewJob, trx: Db): Promise<void> {
    await trx(JOBS_TABLE).insert({ ...this.row(j), attempts: 0, owner: null, lease_until: 0 });
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

  /** Takes up to `limit` due jobs whose lease ran out, for `owner`, counting an attempt for each. */
  async claimDue(owner: string, nowMs: number, leaseMs: number, limit: number): Promise<Job[]> {
    const candidates: Array<Record<string, unknown>> = await this.db(JOBS_TABLE)
      .where("state", "pending")
      .andWhere("next_attempt_at", "<=", nowMs)
      .andWhere("lease_until", "<", nowMs)
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
}
