/** The usage records table (core/store/migrations/20261201100000_usage.ts). */
import { createHash } from "node:crypto";
import { inject, injectable } from "tsyringe";
import { Coalescer } from "../store/coalescer.js";
import { DATABASE, type Knex } from "../tokens.js";
import type { StoredUsage } from "./record.js";

export const USAGE_TABLE = "koogate_usage";

/**
 * Values bound in one `whereIn` beside the push's ids: with a push's 1000 ids, under SQLite's 32 766
 * parameters and PostgreSQL's 65 535.
 */
const SETTLE_CHUNK = 500;

type Db = Knex | Knex.Transaction;

/** The advisory lock of one instance's records: the first 8 bytes of a SHA-256, as a signed bigint. */
function instanceLockKey(productId: string, instanceId: string): string {
  const d = createHash("sha256").update(`koogate usage\u0000${productId}\u0000${instanceId}`).digest();
  return d.readBigInt64BE(0).toString();
}

/** A record to insert (state pending). */
export type NewUsage = Omit<StoredUsage, "id" | "state" | "pushAttempts" | "errorCode" | "errorMsg" | "pushedAt">;

function fromRow(r: Record<string, unknown>): StoredUsage {
  return {
    id: Number(r.id),
    productId: String(r.product_id),
    instanceId: String(r.instance_id),
    meteringSn: String(r.metering_sn),
    beginAt: Number(r.begin_at),
    endAt: Number(r.end_at),
    recordTime: String(r.record_time),
    usageValue: String(r.usage_value),
    relatePkgInstance: (r.relate_pkg_instance as string | null) ?? null,
    source: String(r.source),
    state: r.state as StoredUsage["state"],
    pushAttempts: Number(r.push_attempts),
    errorCode: (r.error_code as string | null) ?? null,
    errorMsg: (r.error_msg as string | null) ?? null,
    createdAt: Number(r.created_at),
    pushedAt: r.pushed_at === null || r.pushed_at === undefined ? null : Number(r.pushed_at),
  };
}

export interface UsageFilter {
  productId?: string;
  instanceId?: string;
  state?: StoredUsage["state"];
  /** at most this many, newest first; default 100 */
  limit?: number;
}

@injectable()
export class UsageStore {
  constructor(@inject(DATABASE) private readonly db: Knex) {}

  /** Inserts records whose metering_sn is new. @returns the metering_sn values actually added */
  async insert(records: readonly NewUsage[], trx: Db = this.db): Promise<string[]> {
    if (records.length === 0) return [];
    const rows = records.map((u) => ({
      product_id: u.productId,
      instance_id: u.instanceId,
      metering_sn: u.meteringSn,
      begin_at: u.beginAt,
      end_at: u.endAt,
      record_time: u.recordTime,
      usage_value: u.usageValue,
      relate_pkg_instance: u.relatePkgInstance,
      source: u.source,
      state: "pending",
      push_attempts: 0,
      created_at: u.createdAt,
    }));
    const added: Array<{ metering_sn: string } | string> = await trx(USAGE_TABLE).insert(rows).onConflict("metering_sn").ignore().returning("metering_sn");
    return added.map((a) => (typeof a === "string" ? a : a.metering_sn));
  }

  /**
   * Inserts a record unless it overlaps another of its instance, in one transaction that concurrent
   * records of the same instance take in turn (issue 24, finding 11: three overlapping windows of one
   * hour were all stored, and that hour pushed three times). The same window again is no overlap: it
   * is the same record (`metering_sn`), stored once. A rejected record does not count: the marketplace
   * did not count it either.
   *
   * Records arriving together share the transaction (issue 21: one record was four statements in a
   * row on the one SQLite connection): they are decided in the order they came, each against the
   * stored records and the batch's records decided before it, exactly as one transaction after the
   * other would decide them.
   *
   * Taking turns: on PostgreSQL an advisory lock per product and instance, held to the commit; on
   * SQLite the insert comes first and holds the database's write lock to the commit, so another
   * writer's check waits for this one's rows.
   * @returns `added`, or the stored record the window overlaps (nothing added)
   */
  insertUnlessOverlapping(u: NewUsage): Promise<{ added: boolean; overlapping?: StoredUsage }> {
    return this.records.submit(u);
  }

  private readonly records = new Coalescer<NewUsage, { added: boolean; overlapping?: StoredUsage }>((batch) => this.insertBatch(batch));

  private insertBatch(batch: NewUsage[]): Promise<Array<{ added: boolean; overlapping?: StoredUsage }>> {
    return this.db.transaction(async (trx) => {
      if (trx.client.config.client === "pg") {
        // in one order, whatever order the records came in: two batches never wait for each other's locks crosswise
        const keys = [...new Set(batch.map((u) => instanceLockKey(u.productId, u.instanceId)))].sort();
        for (const key of keys) await trx.raw("select pg_advisory_xact_lock(?::bigint)", [key]);
      }
      const added = new Set(await this.insert(batch, trx));
      if (added.size === 0) return batch.map(() => ({ added: false }));
      // the stored records that may overlap a record of the batch, the batch's own rows among them
      const rows: Array<Record<string, unknown>> = await trx(USAGE_TABLE)
        .whereIn("product_id", [...new Set(batch.map((u) => u.productId))])
        .whereIn("instance_id", [...new Set(batch.map((u) => u.instanceId))])
        .whereNot("state", "rejected")
        .where("begin_at", "<", Math.max(...batch.map((u) => u.endAt)))
        .where("end_at", ">", Math.min(...batch.map((u) => u.beginAt)))
        .orderBy("begin_at");
      const stored = rows.map(fromRow);
      /** what a record of the batch is checked against: every stored record, and the batch's records kept so far */
      const counted = new Set(stored.filter((r) => !added.has(r.meteringSn)).map((r) => r.meteringSn));
      type Decided = { added: boolean; overlapping?: StoredUsage };
      const losers: string[] = [];
      const out = batch.map((u): Decided => {
        // the same record twice in the batch: the first one is it, the next is a resend
        if (!added.delete(u.meteringSn)) return { added: false };
        const clash = stored.find((r) => counted.has(r.meteringSn) && r.productId === u.productId && r.instanceId === u.instanceId && r.meteringSn !== u.meteringSn && r.beginAt < u.endAt && r.endAt > u.beginAt);
        if (clash) {
          losers.push(u.meteringSn);
          return { added: false, overlapping: clash };
        }
        counted.add(u.meteringSn);
        return { added: true };
      });
      // an overlapping record leaves nothing behind, as its own transaction rolled back would
      for (let i = 0; i < losers.length; i += SETTLE_CHUNK) await trx(USAGE_TABLE).whereIn("metering_sn", losers.slice(i, i + SETTLE_CHUNK)).delete();
      return out;
    });
  }

  async bySn(sn: string, trx: Db = this.db): Promise<StoredUsage | undefined> {
    const r = await trx(USAGE_TABLE).where({ metering_sn: sn }).first();
    return r ? fromRow(r) : undefined;
  }

  /** The oldest pending records of a product, at most `limit`. */
  async pending(productId: string, limit: number): Promise<StoredUsage[]> {
    const rows: Array<Record<string, unknown>> = await this.db(USAGE_TABLE).where({ state: "pending", product_id: productId }).orderBy("id").limit(limit);
    return rows.map(fromRow);
  }

  /** Counts a push attempt of these records (before the push is sent). */
  async countAttempt(ids: readonly number[]): Promise<void> {
    await this.db(USAGE_TABLE).whereIn("id", ids).increment("push_attempts", 1);
  }

  /**
   * Settles a push the marketplace answered: refused records `rejected` with why, the others `pushed`.
   * One statement per distinct reason (usually one), each limited to `ids`: a record outside the push
   * is never touched, whatever the answer names.
   */
  async settle(ids: readonly number[], rejected: ReadonlyMap<string, { code: string; message: string }>, nowMs: number): Promise<void> {
    const byReason = new Map<string, { code: string; message: string; sns: string[] }>();
    for (const [sn, why] of rejected) {
      const code = why.code.slice(0, 32);
      const message = why.message.slice(0, 255);
      const key = JSON.stringify([code, message]);
      const group = byReason.get(key) ?? { code, message, sns: [] };
      group.sns.push(sn);
      byReason.set(key, group);
    }
    await this.db.transaction(async (trx) => {
      for (const { code, message, sns } of byReason.values()) {
        for (let i = 0; i < sns.length; i += SETTLE_CHUNK) {
          await trx(USAGE_TABLE)
            .whereIn("id", ids)
            .whereIn("metering_sn", sns.slice(i, i + SETTLE_CHUNK))
            .andWhere({ state: "pending" })
            .update({ state: "rejected", error_code: code, error_msg: message, pushed_at: nowMs });
        }
      }
      await trx(USAGE_TABLE).whereIn("id", ids).andWhere({ state: "pending" }).update({ state: "pushed", pushed_at: nowMs, error_code: null, error_msg: null });
    });
  }

  async list(f: UsageFilter = {}): Promise<StoredUsage[]> {
    const q = this.db(USAGE_TABLE).orderBy("id", "desc").limit(f.limit ?? 100);
    if (f.productId) q.where("product_id", f.productId);
    if (f.instanceId) q.where("instance_id", f.instanceId);
    if (f.state) q.where("state", f.state);
    return ((await q) as Array<Record<string, unknown>>).map(fromRow);
  }

  /** Per instance of `productId` among `instanceIds`: the total recorded (rejected records left out) and the latest end. */
  async totals(productId: string, instanceIds: readonly string[]): Promise<Map<string, { total: number; lastEnd: number }>> {
    const rows: Array<Record<string, unknown>> = await this.db(USAGE_TABLE)
      .select("instance_id", "usage_value", "end_at")
      .where("product_id", productId)
      .whereIn("instance_id", instanceIds)
      .whereNot("state", "rejected");
    const out = new Map<string, { total: number; lastEnd: number }>();
    for (const r of rows) {
      const t = out.get(String(r.instance_id)) ?? { total: 0, lastEnd: 0 };
      // summed in units of 1/10000, so 4-decimal values add up exactly
      t.total += Math.round(Number(r.usage_value) * 10_000);
      t.lastEnd = Math.max(t.lastEnd, Number(r.end_at));
      out.set(String(r.instance_id), t);
    }
    for (const t of out.values()) t.total /= 10_000;
    return out;
  }

  /** Records still pending, all products: one count statement (the metrics read it at each scrape). */
  async pendingCount(): Promise<number> {
    const [row] = (await this.db(USAGE_TABLE).count({ n: "*" }).where("state", "pending")) as Array<{ n: unknown }>;
    return Number(row?.n ?? 0);
  }

  /**
   * Records the marketplace has not acknowledged: pending although created before `dueBefore` (ms), or
   * rejected; only those created since `since`, when given; oldest first, at most `limit` (default 1000).
   * Each with the order of its instance, when koogate holds it.
   */
  async unacknowledged(q: { dueBefore: number; since?: number; limit?: number }): Promise<Array<StoredUsage & { orderId: string | null; orderLineId: string | null }>> {
    const sql = this.db(`${USAGE_TABLE} as u`)
      .leftJoin("koogate_instances as i", (j) => j.on("i.product_id", "u.product_id").andOn("i.instance_id", "u.instance_id"))
      .select("u.*", "i.order_id", "i.order_line_id")
      .where((w) => w.where("u.state", "rejected").orWhere((p) => p.where("u.state", "pending").andWhere("u.created_at", "<", q.dueBefore)))
      .orderBy("u.id")
      .limit(q.limit ?? 1000);
    if (q.since !== undefined) sql.andWhere("u.created_at", ">=", q.since);
    const rows: Array<Record<string, unknown>> = await sql;
    return rows.map((r) => ({ ...fromRow(r), orderId: (r.order_id as string | null) ?? null, orderLineId: (r.order_line_id as string | null) ?? null }));
  }

  /** The live instances of a product (the ones the usage hook is asked about). */
  async liveInstances(productId: string): Promise<string[]> {
    const rows: Array<{ instance_id: string }> = await this.db("koogate_instances").select("instance_id").where("product_id", productId).whereIn("state", ["active", "frozen", "expired"]);
    return rows.map((r) => r.instance_id);
  }
}
