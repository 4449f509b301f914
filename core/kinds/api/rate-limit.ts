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
 * The API path is hot: the calls counted at once share one multi-row upsert (core/store/coalescer.ts),
 * and a listing without `rateLimit` costs nothing.
 */
import type { Knex } from "knex";
import { BuiltStatement } from "../../store/built-statement.js";
import { Coalescer } from "../../store/coalescer.js";

export const API_LIMITS_TABLE = "koogate_api_limits";

interface Take {
  productId: string;
  buyer: string;
  windowStart: number;
}

interface LimitRow extends Record<string, unknown> {
  product_id: string;
  buyer: string;
  window_start: number;
  count: number;
}

export class BuyerLimits {
  private readonly takes = new Coalescer<Take, { count: number; windowStart: number; position: number }>((items) => this.count(items));
  private readonly upsert: BuiltStatement<LimitRow>;

  constructor(private readonly db: Knex) {
    const max = db.client.config.client === "pg" ? "GREATEST" : "MAX";
    const current = `${API_LIMITS_TABLE}.window_start`;
    this.upsert = new BuiltStatement(db, ["product_id", "buyer", "window_start", "count"], (rows) =>
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

  /**
   * Counts one call of `buyer` (a signed account ID, or "" for an unknown buyer) against the listing's limit.
   * @returns 0 when allowed, else the seconds until the window ends
   */
  async take(productId: string, buyer: string, limit: { requests: number; perSeconds: number }, nowMs: number): Promise<number> {
    const windowMs = limit.perSeconds * 1000;
    const windowStart = Math.floor(nowMs / windowMs) * windowMs;
    const r = await this.takes.submit({ productId, buyer, windowStart });
    if (r.position <= limit.requests) return 0;
    return Math.max(1, Math.ceil((r.windowStart + windowMs - nowMs) / 1000));
  }

  /** Forgets the counters of `productId` idle for longer than its window (or all of them: no limit). */
  async purge(productId: string, perSeconds: number | undefined, nowMs: number): Promise<number> {
    const q = this.db(API_LIMITS_TABLE).where("product_id", productId);
    return (perSeconds === undefined ? q : q.where("window_start", "<", nowMs - perSeconds * 1000)).delete();
  }

  /**
   * One upsert for a batch: the takes of one buyer are added up first (a row may be changed once per
   * statement), each row's count is reset when its window has passed, and the count after the upsert
   * numbers the batch's calls of that buyer: those past `requests` are refused.
   */
  private async count(items: Take[]): Promise<Array<{ count: number; windowStart: number; position: number }>> {
    const rows = new Map<string, LimitRow>();
    const keyOf = (t: Take) => JSON.stringify([t.productId, t.buyer]);
    for (const t of items) {
      const row = rows.get(keyOf(t));
      // two windows in one batch (its calls straddle the edge): counted in the later one
      if (row) (row.count++, (row.window_start = Math.max(row.window_start, t.windowStart)));
      else rows.set(keyOf(t), { product_id: t.productId, buyer: t.buyer, window_start: t.windowStart, count: 1 });
    }
    const after = await this.upsert.run<{ product_id: string; buyer: string; window_start: string | number; count: string | number }>([...rows.values()]);
    const counted = new Map(after.map((r) => [JSON.stringify([r.product_id, r.buyer]), { count: Number(r.count), windowStart: Number(r.window_start) }]));
    // the batch's calls of one buyer are numbered after the calls counted before them
    const seen = new Map<string, number>();
    return items.map((t) => {
      const key = keyOf(t);
      const c = counted.get(key)!;
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      return { ...c, position: c.count - rows.get(key)!.count + n };
    });
  }
}
