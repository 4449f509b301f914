import { inject, injectable } from "tsyringe";
import { DATABASE, type Knex } from "../tokens.js";

export interface Job {
  id: number;
  productId: string;
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
  /** the process whose attempt is already running */
  owner: string;
  /** until when that attempt holds the job */
  leaseUntil: number;
  nowMs: number;
}

type Db = Knex | Knex.Transaction;

/**
 * The outbox of adapter work. A job is held by one process at a time through `owner` + `lease_until`
 * (conditional updates, so it stays true with several processes on one database); a lease that runs out
 * (the holder died or hangs) lets any process take the job over.
 */
@injectable()
export class JobStore {
  constructor(@inject(DATABASE) private readonly db: Knex) {}

  /** Adds a job whose first attempt is already running in `owner`. @returns its id */
  async insert(j: NewJob, trx: Db): Promise<number> {
    const rows: Array<{ id: number | string } | number> = await trx("koogate_jobs")
      .insert({
        product_id: j.productId,
        activity: j.activity,
        instance_id: j.instanceId,
        payload: j.payload,
        test: j.test,
        state: "pending",
        attempts: 1,
        next_attempt_at: j.nowMs,
        owner: j.owner,
        lease_until: j.leaseUntil,
        last_error: null,
        created_at: j.nowMs,
        updated_at: j.nowMs,
      })
      .returning("id");
    const first = rows[0]!;
    return Number(typeof first === "object" ? first.id : first);
  }

  /** Takes up to `limit` due jobs whose lease ran out, for `owner`, counting an attempt for each. */
  async claimDue(owner: string, nowMs: number, leaseMs: number, limit: number): Promise<Job[]> {
    const candidates: Array<Record<string, unknown>> = await this.db("koogate_jobs")
      .where("state", "pending")
      .andWhere("next_attempt_at", "<=", nowMs)
      .andWhere("lease_until", "<", nowMs)
      .orderBy("next_attempt_at")
      .limit(limit);
    const won: Job[] = [];
    for (const c of candidates) {
      const n = await this.db("koogate_jobs")
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
    const n = await trx("koogate_jobs").where({ id, owner, state: "pending" }).update({ state: "done", updated_at: nowMs, last_error: null });
    return n === 1;
  }

  /** Schedules another attempt at `nextAt`, or gives up (`failed`) when `giveUp`. */
  async retry(id: number, owner: string, error: string, nextAt: number, giveUp: boolean, nowMs: number, trx: Db = this.db): Promise<boolean> {
    const n = await trx("koogate_jobs")
      .where({ id, owner, state: "pending" })
      .update({ state: giveUp ? "failed" : "pending", next_attempt_at: nextAt, lease_until: 0, last_error: error.slice(0, 500), updated_at: nowMs });
    return n === 1;
  }

  /** Lets other processes take over every job `owner` still holds (a graceful shutdown). */
  async release(owner: string, nowMs: number): Promise<number> {
    return this.db("koogate_jobs").where({ owner, state: "pending" }).update({ lease_until: 0, next_attempt_at: nowMs, updated_at: nowMs });
  }

  async get(id: number): Promise<Record<string, unknown> | undefined> {
    return this.db("koogate_jobs").where({ id }).first();
  }
}
