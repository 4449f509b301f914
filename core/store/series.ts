/**
 * The operator page's charts, read from the database so that every koogate process draws the same
 * (issue 22): calls by result, failure share and latency per time bucket; outbox backlog; usage
 * recorded and pushed. Every statement aggregates in SQL, grouped by bucket, over a bounded range
 * walked through an index:
 *
 * - events and API calls through their (product_id, at) index, the products named in the filter;
 * - jobs and usage records, which have no index on their times, from the first id of the range on
 *   (ids grow with time): found by bisecting the primary key, a few dozen one-row look-ups
 *   (`firstIdFrom`), as retention walks the events (core/store/retention.ts).
 *
 * Percentiles are not portable SQL (SQLite has none): the latency is counted into fixed buckets in
 * SQL, and the quantiles are read from those counts (as Prometheus's histogram_quantile does).
 */
import type { Knex } from "knex";
import { RESULT_CODES } from "../vocabulary.js";
import { EVENTS_TABLE } from "./events.js";
import { JOBS_TABLE } from "./jobs.js";

/** A time range cut into equal buckets; the last one holds `now`. */
export interface SeriesRange {
  /** ms, start of the first bucket */
  from: number;
  bucketMs: number;
  buckets: number;
}

/** The two ranges the page draws. */
export const SPANS = { hour: { bucketMs: 60_000, buckets: 60 }, day: { bucketMs: 15 * 60_000, buckets: 96 } } as const;
export type Span = keyof typeof SPANS;

export function rangeEnding(nowMs: number, span: Span): SeriesRange {
  const { bucketMs, buckets } = SPANS[span];
  return { from: (Math.floor(nowMs / bucketMs) + 1 - buckets) * bucketMs, bucketMs, buckets };
}

/** Upper edges (ms) of the latency counts; a last, open count holds the rest. */
export const LATENCY_EDGES_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 4500, 5000] as const;

/** One bucket's calls, as counted in SQL (`merge` adds two sources' counts). */
export interface CallCounts {
  total: number;
  success: number;
  /** refused: by koogate's checks (signature, parameters, limits) */
  refused: number;
  /** answered at the deadline (the SaaS pipeline's 000005) or timed out upstream (an API listing) */
  deadline: number;
  /** left out of the failure share: refused before authentication (events) or refused at all (API calls) */
  unshared: number;
  /** calls whose duration is within each of LATENCY_EDGES_MS, then the rest (not cumulative) */
  latency: number[];
}

const zero = (): CallCounts => ({ total: 0, success: 0, refused: 0, deadline: 0, unshared: 0, latency: Array(LATENCY_EDGES_MS.length + 1).fill(0) });

/** Adds `b` into `a`, bucket by bucket. */
export function merge(a: CallCounts[], b: readonly CallCounts[]): CallCounts[] {
  return a.map((x, i) => {
    const y = b[i]!;
    return { total: x.total + y.total, success: x.success + y.success, refused: x.refused + y.refused, deadline: x.deadline + y.deadline, unshared: x.unshared + y.unshared, latency: x.latency.map((n, j) => n + y.latency[j]!) };
  });
}

/** What one bucket's counts mean. */
export interface CallPoint {
  success: number;
  refused: number;
  failed: number;
  deadline: number;
  /** failures over the calls that count for the share; null without such calls */
  share: number | null;
  /** ms; null without calls */
  p50: number | null;
  p99: number | null;
}

export function pointOf(c: CallCounts): CallPoint {
  const shared = c.total - c.unshared;
  return {
    success: c.success,
    refused: c.refused,
    deadline: c.deadline,
    failed: Math.max(0, c.total - c.success - c.refused - c.deadline),
    share: shared > 0 ? Math.max(0, shared - c.success) / shared : null,
    p50: quantile(c.latency, 0.5),
    p99: quantile(c.latency, 0.99),
  };
}

/** The q-quantile of counts per LATENCY_EDGES_MS bucket, interpolated within its bucket. */
export function quantile(counts: readonly number[], q: number): number | null {
  const total = counts.reduce((s, n) => s + n, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i]!;
    if (n > 0 && seen + n >= rank) {
      const lo = i === 0 ? 0 : LATENCY_EDGES_MS[i - 1]!;
      // the open bucket past the last edge has no upper edge: its lower one is all that is known
      if (i >= LATENCY_EDGES_MS.length) return lo;
      return lo + ((LATENCY_EDGES_MS[i]! - lo) * (rank - seen)) / n;
    }
    seen += n;
  }
  return LATENCY_EDGES_MS[LATENCY_EDGES_MS.length - 1]!;
}

/** How each source's rows are classified, as SQL conditions on its columns (no caller's value in them). */
export interface CallSource {
  table: string;
  /** the rows that are calls */
  calls: string;
  success: string;
  refused: string;
  deadline: string;
  unshared: string;
}

/**
 * The calls of every kind served through the pipeline: the events with a request id (the outbox's
 * background outcomes have none). A call answered at the deadline is the one whose detail the
 * pipeline (core/serving/pipeline.ts) starts with "answered 000005 at the".
 */
export const EVENT_CALLS: CallSource = {
  table: EVENTS_TABLE,
  calls: "request_id IS NOT NULL",
  success: `result_code = '${RESULT_CODES.success}'`,
  refused: "verdict = 'rejected'",
  deadline: "verdict = 'failed' AND detail LIKE 'answered 000005 at the %'",
  unshared: "verdict = 'rejected' AND activity = ''",
};

const int = (n: number) => {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${n}`);
  return String(n);
};

/** The bucket number of a time column, as SQL (integer division on both databases). */
const bucketOf = (column: string, r: SeriesRange) => `(${column} - ${int(r.from)}) / ${int(r.bucketMs)}`;
const end = (r: SeriesRange) => r.from + r.bucketMs * r.buckets;

async function countCalls(db: Knex, source: CallSource, products: readonly string[], r: SeriesRange): Promise<CallCounts[]> {
  const out = Array.from({ length: r.buckets }, zero);
  if (products.length === 0) return out;
  const sum = (cond: string, as: string) => `sum(CASE WHEN ${cond} THEN 1 ELSE 0 END) AS ${as}`;
  const latency = LATENCY_EDGES_MS.map((edge, i) => sum(`duration_ms <= ${edge}${i ? ` AND duration_ms > ${LATENCY_EDGES_MS[i - 1]}` : ""}`, `le${i}`));
  const rows: Array<Record<string, unknown>> = await db(source.table)
    .select(db.raw(`${bucketOf("at", r)} AS k`))
    .count({ total: "*" })
    .select(db.raw([sum(source.success, "success"), sum(source.refused, "refused"), sum(source.deadline, "deadline"), sum(source.unshared, "unshared"), ...latency].join(", ")))
    .whereIn("product_id", [...products])
    .andWhere("at", ">=", r.from)
    .andWhere("at", "<", end(r))
    .whereRaw(source.calls)
    .groupBy("k");
  for (const row of rows) {
    const c = out[Number(row.k)];
    if (!c) continue;
    c.total = Number(row.total);
    c.success = Number(row.success);
    c.refused = Number(row.refused);
    c.deadline = Number(row.deadline);
    c.unshared = Number(row.unshared);
    c.latency = LATENCY_EDGES_MS.map((_, i) => Number(row[`le${i}`] ?? 0));
    c.latency.push(c.total - c.latency.reduce((s, n) => s + n, 0));
  }
  return out;
}

/**
 * Per bucket, the calls of each group of products from its source: the event log's (EVENT_CALLS) for
 * the pipeline's kinds, a kind's own call log for the others (core/ops/views.ts, `OwnCallLog`).
 */
export async function callSeries(db: Knex, groups: ReadonlyArray<{ source: CallSource; products: readonly string[] }>, r: SeriesRange): Promise<CallCounts[]> {
  const counts = await Promise.all(groups.map((g) => countCalls(db, g.source, g.products, r)));
  return counts.reduce((all, c) => merge(all, c), Array.from({ length: r.buckets }, zero));
}

/**
 * The first id of `table` whose `column` (a time growing with the id) is at or after `t`; one past
 * the last id when none is. Bisects the primary key: about log2(rows) one-row look-ups.
 */
export async function firstIdFrom(db: Knex, table: string, column: string, t: number): Promise<number> {
  const [b] = (await db(table).min({ lo: "id" }).max({ hi: "id" })) as Array<{ lo: unknown; hi: unknown }>;
  if (b?.hi === null || b?.hi === undefined) return 0;
  let lo = Number(b.lo);
  let hi = Number(b.hi) + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const row = (await db(table).select("id", column).where("id", ">=", mid).orderBy("id").first()) as Record<string, unknown> | undefined;
    if (!row || Number(row[column]) >= t) hi = mid;
    else lo = Number(row.id) + 1;
  }
  return lo;
}

/** How far back before the range a row's start may lie and its end still be drawn (a job, a push). */
const LOOKBACK_MS = 86_400_000;

/** Counts per bucket of `column`, from id `fromId` on. */
async function perBucket(sql: Knex.QueryBuilder, db: Knex, column: string, r: SeriesRange): Promise<number[]> {
  const out: number[] = Array(r.buckets).fill(0);
  const rows: Array<Record<string, unknown>> = await sql
    .select(db.raw(`${bucketOf(column, r)} AS k`))
    .count({ n: "*" })
    .andWhere(column, ">=", r.from)
    .andWhere(column, "<", end(r))
    .groupBy("k");
  for (const row of rows) if (out[Number(row.k)] !== undefined) out[Number(row.k)] = Number(row.n);
  return out;
}

/**
 * Per bucket, the outbox jobs of `products` waiting (pending or running) at the bucket's end: today's
 * waiting jobs, less those created after the bucket, plus those that ended (done or parked) after it.
 * A job created more than a day before the range that ended within it is not seen.
 */
export async function backlogSeries(db: Knex, products: readonly string[], r: SeriesRange, nowMs: number): Promise<number[]> {
  if (products.length === 0) return Array(r.buckets).fill(0);
  const [waiting] = (await db(JOBS_TABLE).count({ n: "*" }).where("state", "pending").whereIn("product_id", [...products])) as Array<{ n: unknown }>;
  const since = await firstIdFrom(db, JOBS_TABLE, "created_at", r.from - LOOKBACK_MS);
  const ofRange = () => db(JOBS_TABLE).where("id", ">=", since).whereIn("product_id", [...products]);
  const [created, ended] = await Promise.all([perBucket(ofRange(), db, "created_at", r), perBucket(ofRange().whereIn("state", ["done", "failed"]), db, "updated_at", r)]);
  const out: number[] = Array(r.buckets).fill(0);
  let n = Number(waiting?.n ?? 0);
  const last = Math.min(r.buckets - 1, Math.floor((nowMs - r.from) / r.bucketMs));
  for (let k = r.buckets - 1; k >= 0; k--) {
    if (k <= last) out[k] = Math.max(0, n);
    n += ended[k]! - created[k]!;
  }
  return out;
}

/** Per bucket, the usage records of `products` recorded, and pushed (accepted by the marketplace). */
export async function usageSeries(db: Knex, products: readonly string[], r: SeriesRange): Promise<{ recorded: number[]; pushed: number[] }> {
  if (products.length === 0) return { recorded: Array(r.buckets).fill(0), pushed: Array(r.buckets).fill(0) };
  const table = "koogate_usage";
  const [since, before] = await Promise.all([firstIdFrom(db, table, "created_at", r.from), firstIdFrom(db, table, "created_at", r.from - LOOKBACK_MS)]);
  const [recorded, pushed] = await Promise.all([
    perBucket(db(table).where("id", ">=", since).whereIn("product_id", [...products]), db, "created_at", r),
    perBucket(db(table).where("id", ">=", before).whereIn("product_id", [...products]).where("state", "pushed"), db, "pushed_at", r),
  ]);
  return { recorded, pushed };
}
