/**
 * The operator page's charts: server-rendered SVG line charts, readable without JavaScript and
 * allowed by the page's Content-Security-Policy (no script, no inline style: colours come from the
 * stylesheet's classes). Each chart is an image with a title and a description for a screen reader,
 * and its figures follow in a table (under "figures"), so nothing is only in the picture.
 */
import type { SeriesRange } from "../../core/store/series.js";
import { html, table, type Html } from "./html.js";

/** One line of a chart; a null value leaves a gap. */
export interface Line {
  name: string;
  values: ReadonlyArray<number | null>;
  /** the stylesheet's colour class (`c0` … `c4`, `limit`) */
  cls: string;
}

export interface ChartOptions {
  /** unique on the page: ties the image to its title and description */
  id: string;
  title: string;
  /** how a value is written (axis, description, figures) */
  format: (v: number) => string;
  range: SeriesRange;
  lines: Line[];
  /** a dashed horizontal line (the delisting-risk threshold) */
  limit?: { name: string; value: number };
  /** the value axis's top at least this (a share chart: the threshold and a bit) */
  minTop?: number;
}

const W = 420;
const H = 150;
const PAD = { left: 52, right: 10, top: 8, bottom: 22 };

/** A time as HH:MM UTC. */
const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

export function lineChart(o: ChartOptions): Html {
  const { range: r } = o;
  const all = o.lines.flatMap((l) => l.values.filter((v): v is number => v !== null));
  const top = niceTop(Math.max(o.minTop ?? 0, o.limit?.value ?? 0, ...all, 0));
  const x = (i: number) => PAD.left + ((W - PAD.left - PAD.right) * (i + 0.5)) / r.buckets;
  const y = (v: number) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - v / top);
  const paths = o.lines.map((l) => html`<path class="line ${l.cls}" d="${pathOf(l.values, x, y)}"><title>${l.name}</title></path>`);
  const ticks = [0, top / 2, top].map((v) => html`<text class="axis" x="${PAD.left - 4}" y="${y(v) + 4}" text-anchor="end">${o.format(v)}</text><line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v)}" y2="${y(v)}"/>`);
  const times = ([[0, "start"], [Math.floor(r.buckets / 2), "middle"], [r.buckets - 1, "end"]] as const).map(
    ([i, anchor]) => html`<text class="axis" x="${anchor === "end" ? W - PAD.right : x(i)}" y="${H - 6}" text-anchor="${anchor}">${hhmm(r.from + i * r.bucketMs)}</text>`,
  );
  const limit = o.limit ? html`<line class="limit" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(o.limit.value)}" y2="${y(o.limit.value)}"><title>${o.limit.name}</title></line>` : "";
  const desc = describe(o);
  return html`<figure class="chart" id="${o.id}"><figcaption>${o.title}</figcaption><svg role="img" aria-labelledby="${o.id}-t ${o.id}-d" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}"><title id="${o.id}-t">${o.title}</title><desc id="${o.id}-d">${desc}</desc>${ticks}${times}${limit}${paths}</svg>
<ul class="legend">${o.lines.map((l) => html`<li><span class="swatch ${l.cls}"></span>${l.name}</li>`)}${o.limit ? html`<li><span class="swatch limit"></span>${o.limit.name}</li>` : ""}</ul>
<details><summary>figures</summary>${figures(o)}</details></figure>`;
}

/** The path of a line: moves over the gaps, so a bucket without a value is not drawn as zero. */
function pathOf(values: ReadonlyArray<number | null>, x: (i: number) => number, y: (v: number) => number): string {
  let d = "";
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) return void (pen = false);
    d += `${pen ? "L" : "M"}${x(i).toFixed(1)} ${y(v).toFixed(1)} `;
    pen = true;
  });
  return d.trim() || "M0 0";
}

/** The text alternative: per line, its latest value and its highest, and the range. */
function describe(o: ChartOptions): string {
  const { range: r } = o;
  const parts = o.lines.map((l) => {
    const known = l.values.filter((v): v is number => v !== null);
    if (known.length === 0) return `${l.name}: none`;
    return `${l.name}: latest ${o.format(known[known.length - 1]!)}, highest ${o.format(Math.max(...known))}`;
  });
  const limit = o.limit ? `; ${o.limit.name} ${o.format(o.limit.value)}` : "";
  return `${hhmm(r.from)} to ${hhmm(r.from + r.buckets * r.bucketMs)} UTC in steps of ${r.bucketMs / 60_000} min. ${parts.join("; ")}${limit}.`;
}

/** The chart's figures as a table: the buckets with any value, newest first. */
function figures(o: ChartOptions): Html {
  const rows: unknown[][] = [];
  for (let i = o.range.buckets - 1; i >= 0; i--) {
    const vs = o.lines.map((l) => l.values[i] ?? null);
    if (vs.every((v) => v === null || v === 0)) continue;
    rows.push([hhmm(o.range.from + i * o.range.bucketMs), ...vs.map((v) => (v === null ? "-" : o.format(v)))]);
  }
  return table(["From (UTC)", ...o.lines.map((l) => l.name)], rows, "nothing in this range");
}

/** A round number at or above `v` for the top of the value axis (1, 2 or 5 times a power of ten). */
export function niceTop(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}
