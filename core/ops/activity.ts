/**
 * What the operator page's charts draw, for a set of listings over the last hour or day, read from
 * the database (core/store/series.ts) so that every koogate process shows the same.
 */
import type { Knex } from "knex";
import { backlogSeries, callSeries, pointOf, rangeEnding, usageSeries, type CallPoint, type SeriesRange, type Span } from "../store/series.js";

export interface Activity {
  span: Span;
  range: SeriesRange;
  /** per bucket */
  calls: CallPoint[];
  /** outbox jobs waiting at each bucket's end */
  backlog: number[];
  usage: { recorded: number[]; pushed: number[] };
}

/** The listings drawn: an API listing's calls are in its own call log, every other kind's in the event log. */
export async function readActivity(db: Knex, products: ReadonlyArray<{ id: string; kind: string }>, span: Span, nowMs: number): Promise<Activity> {
  const range = rangeEnding(nowMs, span);
  const ids = products.map((p) => p.id);
  const [calls, backlog, usage] = await Promise.all([
    callSeries(db, { pipeline: products.filter((p) => p.kind !== "api").map((p) => p.id), api: products.filter((p) => p.kind === "api").map((p) => p.id) }, range),
    backlogSeries(db, ids, range, nowMs),
    usageSeries(db, ids, range),
  ]);
  return { span, range, calls: calls.map(pointOf), backlog, usage };
}
