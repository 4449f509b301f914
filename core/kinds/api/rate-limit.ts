/**
 * The optional per-buyer limit of an API listing (`rateLimit:`): at most `requests` calls per buyer in
 * each window of `perSeconds`, counted in the database (`koogate_api_limits`) so that the limit holds
 * across every koogate process on it (issue 20 item 4). The buyer is a signed X-Customer-Id; calls
 * without one share the bucket "".
 *
 * Fixed windows, as Envoy's global rate limit service counts in its shared store: a counter per buyer
 * and window, incremented atomically by the database — not a token bucket per process (nginx's
 * `limit_req`, Envoy's local limit), which would let N processes allow N times the rate. A buyer can
 * thus get up to twice `requests` across the edge of two windows, never more in one window.
 *
 * The API path is hot: the calls counted at once share one multi-row upsert, in the flush that also
 * claims their signatures (./admission.ts), and a listing without `rateLimit` costs nothing.
 */
import type { Knex } from "knex";
import { jsonRowsOfBuilder, type JsonRowsStatement } from "../../store/json-rows.js";

export const API_LIMITS_TABLE = "koogate_api_limits";

/** One call to count: whose, against which limit, when. */
export interface LimitTake {
  productId: string;
  /** a signed account ID, or "" for an unknown buyer */
  buyer: string;
  limit: { requests: number; perSeconds: number };
  nowMs: number;
}

interface LimitRow extends Record<string, unknown> {
  product_id: string;
  buyer: string;
  window_start: number;
  count: number;
}

export class BuyerLimits {
  private readonly upsert: JsonRowsStatement<LimitRow>;

  constructor(private readonly db: Knex) {
    const max = db.client.config.client === "pg" ? "GREATEST" : "MAX";
    const current = `${API_LIMITS_TABLE}.window_start`;
    this.upsert = jsonRowsOfBuilder(["product_id", "buyer", "window_start", "count"], (rows: LimitRow[]) =>
      db(API_LIMITS_TABLE)
        .insert(rows)
        .onConflict(["product_id", "buyer"])
        .merge({
          // a later window starts a new count; a process whose clock is behind adds to the current one
          count: db.raw(`CASE WHEN excluded.window_start > ${current} THEN excluded.count ELSE ${API_LIMITS_TABLE}.count + excluded.count END`),
          window_start: db.raw(`${max}(excluded.window_start, ${current})`),
        })
        .returning(["product_id", "buyer", "window_start", "count"]), "all");
  }

  /** Forgets the counters of `productId` idle for longer than its window (or all of them: no limit). */
  async purge(productId: string, perSeconds: number | undefined, nowMs: number): Promise<number> {
    const q = this.db(API_LIMITS_TABLE).where("product_id", productId);
    return (perSeconds === undefined ? q : q.where("window_start", "<", nowMs - perSeconds * 1000)).delete();
  }

  /**
   * Counts a batch of calls in one upsert: the takes of one buyer are added up first (a row may be
   * changed once per statement), each row's count is reset when its window has passed, and the count
   * after the upsert numbers the batch's calls of that buyer: those past `requests` are refused.
   * @returns per take, 0 when allowed, else the seconds until the window ends
   * @throws when the statement fails: nothing of the batch was counted
   */
  async count(takes: readonly LimitTake[]): Promise<number[]> {
    const rows = new Map<string, LimitRow>();
    const keyOf = (t: LimitTake) => JSON.stringify([t.productId, t.buyer]);
    const windowMs = (t: LimitTake) => t.limit.perSeconds * 1000;
    for (const t of takes) {
      const windowStart = Math.floor(t.nowMs / windowMs(t)) * windowMs(t);
      const row = rows.get(keyOf(t));
      // two windows in one batch (its calls straddle the edge): counted in the later one
      if (row) (row.count++, (row.window_start = Math.max(row.window_start, windowStart)));
      else rows.set(keyOf(t), { product_id: t.productId, buyer: t.buyer, window_start: windowStart, count: 1 });
    }
    const after = await this.upsert.run<{ product_id: string; buyer: string; window_start: string | number; count: string | number }>(this.db, [...rows.values()]);
    const counted = new Map(after.map((r) => [JSON.stringify([r.product_id, r.buyer]), { count: Number(r.count), windowStart: Number(r.window_start) }]));
    // the batch's calls of one buyer are numbered after the calls counted before them
    const seen = new Map<string, number>();
    return takes.map((t) => {
      const key = keyOf(t);
      const c = counted.get(key)!;
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      const position = c.count - rows.get(key)!.count + n;
      return position <= t.limit.requests ? 0 : Math.max(1, Math.ceil((c.windowStart + windowMs(t) - t.nowMs) / 1000));
    });
  }
}
