/**
 * The charts of the overview and of a listing's page (server/ops/charts.ts draws them): calls by
 * result, failure share against the delisting-risk threshold, latency, outbox backlog, usage.
 */
import type { Activity } from "../../core/ops/activity.js";
import { SPANS, type Span } from "../../core/store/series.js";
import { lineChart } from "./charts.js";
import { html, type Html } from "./html.js";

const count = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
const pct = (v: number) => `${Math.round(v * 1000) / 10} %`;
const ms = (v: number) => `${Math.round(v)} ms`;

/** The charts, with links to the other span; `here` is the page's path. */
export function activitySection(a: Activity, o: { threshold: number; here: string }): Html {
  const perMinute = a.range.bucketMs / 60_000;
  const rate = (k: "success" | "refused" | "failed" | "deadline") => a.calls.map((c) => c[k] / perMinute);
  const unit = perMinute === 1 ? "per minute" : `per minute (average over ${perMinute} min)`;
  const spans = (Object.keys(SPANS) as Span[]).map((s) => (s === a.span ? html`<strong>last ${s}</strong>` : html`<a href="${o.here}?range=${s}">last ${s}</a>`));
  const id = (name: string) => `chart-${name}`;
  return html`<p class="spans">${spans.map((s, i) => (i ? html` · ${s}` : s))}</p><div class="charts">
${lineChart({
  id: id("calls"),
  title: `Calls ${unit}, by result`,
  format: count,
  range: a.range,
  lines: [
    { name: "success", values: rate("success"), cls: "c0" },
    { name: "refused", values: rate("refused"), cls: "c1" },
    { name: "failed", values: rate("failed"), cls: "c2" },
    { name: "deadline", values: rate("deadline"), cls: "c3" },
  ],
})}
${lineChart({
  id: id("share"),
  title: "Failure share (calls answered with a failure code)",
  format: pct,
  range: a.range,
  lines: [{ name: "failure share", values: a.calls.map((c) => c.share), cls: "c2" }],
  limit: { name: "delisting-risk threshold", value: o.threshold },
  minTop: o.threshold * 2,
})}
${lineChart({
  id: id("latency"),
  title: "Latency, request to answer",
  format: ms,
  range: a.range,
  lines: [
    { name: "p50", values: a.calls.map((c) => c.p50), cls: "c0" },
    { name: "p99", values: a.calls.map((c) => c.p99), cls: "c3" },
  ],
})}
${lineChart({ id: id("backlog"), title: "Outbox jobs waiting", format: count, range: a.range, lines: [{ name: "pending or running", values: a.backlog, cls: "c4" }] })}
${lineChart({
  id: id("usage"),
  title: `Usage records per ${perMinute === 1 ? "minute" : `${perMinute} min`}`,
  format: count,
  range: a.range,
  lines: [
    { name: "recorded", values: a.usage.recorded, cls: "c4" },
    { name: "pushed", values: a.usage.pushed, cls: "c0" },
  ],
})}</div>`;
}
