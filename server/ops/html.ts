/**
 * HTML for the operator page, built with one tagged template: every value put into `html\`…\`` is
 * escaped by `escapeHtml` unless it is already `Html` (made by this template). Order ids, instance ids,
 * error details and anything else that came from the marketplace or an adapter can therefore only ever
 * appear as text.
 */

/** Markup already escaped (made by `html`). */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** The one escaping function: text safe in an element and in a quoted attribute. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** The template: strings as written, values escaped; arrays are joined, `Html` values kept. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += piece(v) + strings[i + 1]!;
  });
  return new Html(out);
}

function piece(v: unknown): string {
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return v.map(piece).join("");
  if (v === undefined || v === null || v === false) return "";
  return escapeHtml(v);
}

/** A table: headers, then rows of cells (text or `Html`); a note when there are no rows. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly unknown[]>, empty = "nothing yet"): Html {
  if (rows.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<table><thead><tr>${headers.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${rows.map(
    (r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>`,
  )}</tbody></table>`;
}

/** A time (ms) as ISO text, to the second. */
export function time(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? "-" : new Date(ms).toISOString().replace("T", " ").slice(0, 19);
}

const NAV = [
  ["/ops", "Overview"],
  ["/ops/calls", "Calls"],
  ["/ops/jobs", "Outbox jobs"],
  ["/ops/usage", "Usage records"],
  ["/ops/orders", "Orders"],
  ["/ops/tenants", "Tenants"],
  ["/ops/reconciliation", "Reconciliation"],
] as const;

/** The whole page around `body`. */
export function page(title: string, body: Html, opts: { nav?: boolean } = {}): string {
  const nav = opts.nav === false ? "" : html`<nav>${NAV.map(([href, label]) => html`<a href="${href}">${label}</a>`)}<form method="post" action="/ops/logout"><button>Sign out</button></form></nav>`;
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · koogate</title><link rel="stylesheet" href="/ops/style.css"></head><body><header><strong>koogate</strong> operator page</header>${nav}<main><h1>${title}</h1>${body}</main></body></html>`.text;
}

/** The stylesheet: small, no build step. */
export const STYLESHEET = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d232a;background:#f6f7f9}
header{background:#1d232a;color:#fff;padding:.6em 1em}
nav{display:flex;gap:1em;align-items:center;padding:.5em 1em;background:#e3e7ec}
nav form{margin-left:auto}
main{padding:0 1em 2em}
h1{font-size:1.3em}h2{font-size:1.1em;margin-top:1.5em}
table{border-collapse:collapse;background:#fff;width:100%;margin:.5em 0}
th,td{border:1px solid #d5dae0;padding:.3em .5em;text-align:left;vertical-align:top;word-break:break-word}
th{background:#eef1f4}
.bad{color:#b3261e;font-weight:600}.ok{color:#1b6e2c}
.empty{color:#666;font-style:italic}
form.filters{display:flex;flex-wrap:wrap;gap:.5em;align-items:end}
form.filters label{display:flex;flex-direction:column;font-size:.85em}
input,select,button{font:inherit;padding:.2em .4em}
code{font-size:.9em}
td.nowrap,td code{white-space:nowrap}
.spans{margin:.3em 0}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:1em}
figure.chart{margin:0;background:#fff;border:1px solid #d5dae0;padding:.5em}
figure.chart figcaption{font-weight:600;margin-bottom:.3em}
figure.chart svg{width:100%;height:auto;display:block}
figure.chart .axis{font-size:11px;fill:#555}
figure.chart .grid{stroke:#e3e7ec;stroke-width:1}
figure.chart .line{fill:none;stroke-width:2}
figure.chart .limit{stroke:#b3261e;stroke-width:1.5;stroke-dasharray:6 4}
.legend{list-style:none;display:flex;flex-wrap:wrap;gap:1em;padding:0;margin:.3em 0;font-size:.85em}
.swatch{display:inline-block;width:1.2em;height:.3em;vertical-align:middle;margin-right:.3em;background:#888}
.line.c0{stroke:#1b6e2c}.swatch.c0{background:#1b6e2c}
.line.c1{stroke:#8a6d00}.swatch.c1{background:#8a6d00}
.line.c2{stroke:#b3261e}.swatch.c2{background:#b3261e}
.line.c3{stroke:#5b2a86}.swatch.c3{background:#5b2a86}
.line.c4{stroke:#1f5fa8}.swatch.c4{background:#1f5fa8}
.swatch.limit{background:#b3261e}
figure.chart details{font-size:.85em}
`;
