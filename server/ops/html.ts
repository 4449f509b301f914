/**
 * The whole operator page around a view's content: navigation (the core's views, then those the
 * registered kinds declare), the stylesheet. The escaping template and its building blocks are
 * core/ops/html.ts, shared with the kinds' own views.
 */
import { html, type Html } from "../../core/ops/html.js";
import type { OpsContent } from "../../core/ops/views.js";

export { escapeHtml, html, Html, instanceLink, select, table, time } from "../../core/ops/html.js";

/** A link of the page's navigation: its path and label. */
export type NavEntry = readonly [href: string, label: string];

/** The core's views, in the navigation; the kinds' views come between these and the reconciliation. */
const CORE_NAV: readonly NavEntry[] = [
  ["/ops", "Overview"],
  ["/ops/calls", "Calls"],
  ["/ops/jobs", "Outbox jobs"],
  ["/ops/usage", "Usage records"],
  ["/ops/orders", "Orders"],
];
const LAST_NAV: NavEntry = ["/ops/reconciliation", "Reconciliation"];

/** The navigation with the registered kinds' views (core/ops/views.ts, `OpsView.nav`). */
export function navOf(kindViews: readonly NavEntry[]): readonly NavEntry[] {
  return [...CORE_NAV, ...kindViews, LAST_NAV];
}

/** A page before it is wrapped (`documentOf`): its title and body, and whether it shows the navigation. */
export interface OpsPage extends OpsContent {
  nav: boolean;
}

/** A page of `body`; `nav: false` for the sign-in form. */
export function page(title: string, body: Html, opts: { nav?: boolean } = {}): OpsPage {
  return { title, body, nav: opts.nav !== false };
}

/** The whole document around a page, with `nav` as its navigation. */
export function documentOf(p: OpsPage, nav: readonly NavEntry[]): string {
  const links = p.nav ? html`<nav>${nav.map(([href, label]) => html`<a href="${href}">${label}</a>`)}<form method="post" action="/ops/logout"><button>Sign out</button></form></nav>` : "";
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${p.title} · koogate</title><link rel="stylesheet" href="/ops/style.css"></head><body><header><strong>koogate</strong> operator page</header>${links}<main><h1>${p.title}</h1>${p.body}</main></body></html>`.text;
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
