/**
 * The failure share of each product's calls over a window, read from the event log, so every koogate
 * process on one database sees the same figure (the alarm and the operator page use it).
 *
 * A call refused before it was authenticated is left out: anyone on the internet can send those, and
 * only a sample of them is stored at all (core/serving/refusal-sampler.ts). Such a call is the one
 * whose event has no activity: the pipeline reads the activity only once the signature verified.
 * The outbox's background outcomes (core/outbox/outbox.ts) are in the event log too, without a request
 * id: they are no call of the marketplace's and are left out as well.
 */
import type { Knex } from "knex";
import { RESULT_CODES } from "../vocabulary.js";
import { EVENTS_TABLE } from "./events.js";

/** A product's signed calls and, of those, the ones answered with a failure code. */
export interface CallShare {
  calls: number;
  failures: number;
}

/** Share of `f` (0 when there were no calls). */
export const shareOf = (f: CallShare): number => (f.calls === 0 ? 0 : f.failures / f.calls);

/**
 * Per product of `products`, its signed calls since `since` (ms) and their failures: one grouped
 * statement over the (product_id, at) index.
 */
export async function callShares(db: Knex, products: readonly string[], since: number): Promise<Map<string, CallShare>> {
  const out = new Map<string, CallShare>();
  if (products.length === 0) return out;
  const rows: Array<{ product_id: string; calls: unknown; failures: unknown }> = await db(EVENTS_TABLE)
    .select("product_id")
    .count({ calls: "*" })
    .select(db.raw("sum(case when result_code <> ? then 1 else 0 end) as failures", [RESULT_CODES.success]))
    .whereIn("product_id", [...products])
    .andWhere("at", ">=", since)
    .whereNotNull("request_id")
    .whereNot((q) => q.where("verdict", "rejected").andWhere("activity", ""))
    .groupBy("product_id");
  for (const r of rows) out.set(r.product_id, { calls: Number(r.calls), failures: Number(r.failures ?? 0) });
  return out;
}
