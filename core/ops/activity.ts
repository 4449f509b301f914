/**
 * What the operator page's charts draw, for a set of listings over the last hour or day, read from
 * the database (core/store/series.ts) so that every koogate process shows the same.
 *
 * The calls of a bucket that ended minutes ago no longer change (a call's event is written, or
 * amended at the deadline, within seconds), so a reader keeps those buckets' counts and asks the
 * database only for the newer ones: the day's chart reads its 15-minute buckets once, then only the
 * current one. Measured on 200 000 events in a day (scripts/measure-ops-queries.ts; the figures: docs/operations.md, "The operator page").
 */
import type { Knex } from "knex";
import { backlogSeries, callSeries, EVENT_CALLS, pointOf, rangeEnding, usageSeries, type CallCounts, type CallPoint, type CallSource, type SeriesRange, type Span } from "../store/series.js";

export interface Activity {
  span: Span;
  range: SeriesRange;
  /** per bucket */
  calls: CallPoint[];
  /** outbox jobs waiting at each bucket's end */
  backlog: number[];
  usage: { recorded: number[]; pushed: number[] };
}

export interface Listing {
  id: string;
  kind: string;
}

/** A bucket that ended this long before now is settled: its counts are kept. */
export const SETTLED_MS = 2 * 60_000;
/** Sets of listings (with their span) whose settled buckets are kept: the overview and each listing's page. */
const MAX_KEPT = 64;

export class ActivityReader {
  /** per span and listings, the counts of settled buckets by their start */
  private readonly settled = new Map<string, Map<number, CallCounts>>();

  /**
   * @param sourceOf where a listing's calls are counted: the event log (the default), or its kind's own
   * call log (core/ops/views.ts, `OwnCallLog`)
   */
  constructor(
    private readonly db: Knex,
    private readonly sourceOf: (listing: Listing) => CallSource = () => EVENT_CALLS,
  ) {}

  /** The charts' figures, each listing's calls counted from its source. */
  async read(listings: readonly Listing[], span: Span, nowMs: number): Promise<Activity> {
    const range = rangeEnding(nowMs, span);
    const ids = listings.map((p) => p.id);
    const [counts, backlog, usage] = await Promise.all([this.calls(listings, span, range, nowMs), backlogSeries(this.db, ids, range, nowMs), usageSeries(this.db, ids, range)]);
    return { span, range, calls: counts.map(pointOf), backlog, usage };
  }

  private async calls(listings: readonly Listing[], span: Span, range: SeriesRange, nowMs: number): Promise<CallCounts[]> {
    const key = `${span}\u0000${listings.map((p) => p.id).join("\u0000")}`;
    const kept = this.settled.get(key) ?? new Map<number, CallCounts>();
    const start = (i: number) => range.from + i * range.bucketMs;
    let known = 0;
    while (known < range.buckets && kept.has(start(known))) known++;
    const rest: SeriesRange = { from: start(known), bucketMs: range.bucketMs, buckets: range.buckets - known };
    const sources = new Map<CallSource, string[]>();
    for (const l of listings) {
      const source = this.sourceOf(l);
      sources.set(source, [...(sources.get(source) ?? []), l.id]);
    }
    const groups = [...sources].map(([source, products]) => ({ source, products }));
    const fresh = rest.buckets > 0 ? await callSeries(this.db, groups, rest) : [];
    const counts = [...Array.from({ length: known }, (_, i) => kept.get(start(i))!), ...fresh];
    const next = new Map<number, CallCounts>();
    counts.forEach((c, i) => {
      if (start(i) + range.bucketMs <= nowMs - SETTLED_MS) next.set(start(i), c);
    });
    this.settled.delete(key);
    if (this.settled.size >= MAX_KEPT) this.settled.delete(this.settled.keys().next().value!);
    this.settled.set(key, next);
    return counts;
  }
}
