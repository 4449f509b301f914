/**
 * What the operator page shows of an API listing (core/ops/views.ts): its calls skip the pipeline, so
 * they are counted and listed from its own call log (./call-log.ts writes it) — the failure share and
 * the charts, and the calls view filtered to the listing (who called, what became of it, how long, how
 * many bytes, koogate's note), read newest first through the (product_id, at) index.
 */
import type { Knex } from "knex";
import { html, select, table, time } from "../../ops/html.js";
import { filterOf, type KindOps, type OpsContent } from "../../ops/views.js";
import type { CallShare } from "../../store/call-shares.js";
import type { CallSource } from "../../store/series.js";
import { API_CALLS_TABLE, callRecordOf, type CallRecord } from "./call-log.js";
import type { ApiProduct } from "./product.js";
import { CALL_OUTCOMES } from "./vocabulary.js";

/** An API listing's calls in the charts: an answer under 500 is a success. */
export const API_CALLS: CallSource = {
  table: API_CALLS_TABLE,
  calls: "1 = 1",
  success: "outcome = 'answered' AND status < 500",
  refused: "outcome IN ('refused', 'limited', 'too-large')",
  deadline: "outcome = 'upstream-timeout'",
  unshared: "outcome IN ('refused', 'limited', 'too-large')",
};

/**
 * Per API listing of `products`, its calls since `since` (ms) and their failures: calls koogate refused
 * (authentication, rate limit, size) are left out, and an answer under 500 is no failure.
 */
export async function apiCallShares(db: Knex, products: readonly string[], since: number): Promise<Map<string, CallShare>> {
  const out = new Map<string, CallShare>();
  if (products.length === 0) return out;
  const rows: Array<{ product_id: string; calls: unknown; failures: unknown }> = await db(API_CALLS_TABLE)
    .select("product_id")
    .count({ calls: "*" })
    .select(db.raw("sum(CASE WHEN outcome = 'answered' AND status < 500 THEN 0 ELSE 1 END) AS failures"))
    .whereIn("product_id", [...products])
    .andWhere("at", ">=", since)
    .whereNotIn("outcome", ["refused", "limited", "too-large"])
    .groupBy("product_id");
  for (const r of rows) out.set(r.product_id, { calls: Number(r.calls), failures: Number(r.failures ?? 0) });
  return out;
}

export interface ApiCallSearch {
  productId: string;
  buyerId?: string;
  outcome?: string;
  /** default 200 */
  limit?: number;
}

/** The newest calls of an API listing matching every filter, newest first. */
export async function searchApiCalls(db: Knex, q: ApiCallSearch): Promise<CallRecord[]> {
  let sql = db(API_CALLS_TABLE).where("product_id", q.productId).orderBy("at", "desc").orderBy("id", "desc").limit(q.limit ?? 200);
  if (q.buyerId) sql = sql.where("buyer_id", q.buyerId);
  if (q.outcome) sql = sql.where("outcome", q.outcome);
  const rows: Array<Record<string, unknown>> = await sql;
  return rows.map(callRecordOf);
}

export interface ApiCallFilters {
  buyer?: string;
  outcome?: string;
}

const outcomeCell = (o: string) => html`<span class="${["failed", "upstream-down", "upstream-timeout", "aborted"].includes(o) ? "bad" : "ok"}">${o}</span>`;

/** An API listing's call log: who called, what became of it, how long, how many bytes, and koogate's note. */
export function apiCallsContent(d: { products: string[]; product: string; filters: ApiCallFilters; calls: CallRecord[] }): OpsContent {
  const f = d.filters;
  const form = html`<form class="filters" method="get" action="/ops/calls">
<label>Product ${select("product", d.products, d.product)}</label>
<label>Buyer (X-Customer-Id) <input name="buyer" value="${f.buyer ?? ""}"></label>
<label>Outcome ${select("outcome", CALL_OUTCOMES, f.outcome)}</label>
<button>Filter</button></form>`;
  const rows = d.calls.map((c) => [time(c.at), c.buyerId ?? "-", c.method, html`<code>${c.status}</code>`, outcomeCell(c.outcome), c.durationMs, c.bytesIn, c.bytesOut, c.note ?? "", c.requestId ?? "-"]);
  return {
    title: `Calls of API listing ${d.product}`,
    body: html`${form}${table(["Time", "Buyer", "Method", "Status", "Outcome", "ms", "Bytes in", "Bytes out", "Note", "Gateway request id"], rows, "no calls match")}`,
  };
}

export const API_OPS: KindOps<ApiProduct> = {
  calls: {
    source: API_CALLS,
    shares: apiCallShares,
    async view(ctx, product, q) {
      const filters = { buyer: filterOf(q, "buyer"), outcome: filterOf(q, "outcome") };
      const calls = await searchApiCalls(ctx.db, { productId: product, buyerId: filters.buyer, outcome: filters.outcome, limit: 200 });
      return apiCallsContent({ products: ctx.products().map((p) => p.id), product, filters, calls });
    },
  },
};
