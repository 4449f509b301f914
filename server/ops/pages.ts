/**
 * The operator page's views, as HTML (server/ops/html.ts escapes every value). Each takes the data
 * read by the routes and returns the whole page; none runs a statement.
 */
import type { StoredUsage } from "../../core/metering/record.js";
import type { Alert } from "../../core/ops/alarm.js";
import type { Readiness } from "../../core/ops/health.js";
import type { ReconcileReport } from "../../core/ops/reconcile.js";
import type { EventRecord } from "../../core/store/events.js";
import type { InstanceRow } from "../../core/store/instances.js";
import type { OrderView } from "../../core/store/order-view.js";
import type { JobView } from "../../core/store/jobs.js";
import { VERDICTS } from "../../core/vocabulary.js";
import type { OpsLink } from "../../core/ops/views.js";
import { html, instanceLink, page, select, table, time, type Html, type OpsPage } from "./html.js";

export interface ProductHealth {
  id: string;
  kind: string;
  /** the product records usage (its usage records have a view) */
  metered: boolean;
  /** the links its kind adds to its row (core/ops/views.ts) */
  links: readonly OpsLink[];
  calls: number;
  failures: number;
  share: number;
}

export const pct = (x: number) => `${Math.round(x * 1000) / 10} %`;
const yes = (b: boolean) => (b ? "yes" : "no");
const verdictCell = (v: string) => html`<span class="${v === "failed" || v === "rejected" ? "bad" : "ok"}">${v}</span>`;

export function overviewPage(d: { products: ProductHealth[]; alerts: Alert[]; readiness: Readiness; windowMinutes: number; last?: ReconcileReport; activity: Html }): OpsPage {
  const products = table(
    ["Product", "Kind", `Calls (${d.windowMinutes} min)`, "Failed", "Failure share", "Alarms", "Records"],
    d.products.map((p) => [
      html`<a href="/ops/products/${encodeURIComponent(p.id)}">${p.id}</a>`,
      p.kind,
      p.calls,
      p.failures,
      html`<span class="${p.failures > 0 ? "bad" : "ok"}">${pct(p.share)}</span>`,
      d.alerts.filter((a) => a.product === p.id).map((a) => a.condition).join(", ") || "none",
      recordLinks(p),
    ]),
  );
  const checks = table(
    ["Check", "State", "Detail"],
    Object.entries(d.readiness.checks).map(([name, c]) => [name, html`<span class="${c.ok ? "ok" : "bad"}">${c.ok ? "ok" : "not ready"}</span>`, c.detail]),
  );
  const alerts = table(
    ["Since", "Product", "Condition", "What", "Look at"],
    d.alerts.map((a) => [time(a.at), a.product, a.condition, a.text, html`<a href="${a.look}">${a.look}</a>`]),
    "no alarm raised",
  );
  return page("Overview", html`<h2>Products</h2>${products}<h2>Activity of every listing</h2>${d.activity}<h2>Alarms</h2>${alerts}<h2>Readiness</h2>${checks}<h2>Last reconciliation</h2>${reconcileSummary(d.last)}`);
}

/** The product's own record views: its calls, its orders, usage records of a metered product, then its kind's views. */
function recordLinks(p: Pick<ProductHealth, "id" | "metered" | "links">): Html | string {
  const id = encodeURIComponent(p.id);
  const links = [
    html`<a href="/ops/calls?product=${id}">calls</a>`,
    html`<a href="/ops/orders?product=${id}">orders</a>`,
    p.metered ? html`<a href="/ops/usage?product=${id}">usage records</a>` : undefined,
    ...p.links.map((l) => html`<a href="${l.href}">${l.text}</a>`),
  ].filter((l): l is Html => l !== undefined);
  return html`${links.map((l, i) => (i ? html` · ${l}` : l))}`;
}

/** One listing: its figures over the alarm window, its record views and its charts. */
export function productPage(d: { product: ProductHealth; windowMinutes: number; alerts: Alert[]; activity: Html }): OpsPage {
  const p = d.product;
  const facts = table(
    ["Kind", `Calls (${d.windowMinutes} min)`, "Failed", "Failure share", "Alarms", "Records"],
    [[p.kind, p.calls, p.failures, html`<span class="${p.failures > 0 ? "bad" : "ok"}">${pct(p.share)}</span>`, d.alerts.map((a) => a.condition).join(", ") || "none", recordLinks(p)]],
  );
  return page(`Listing ${p.id}`, html`${facts}<h2>Activity</h2>${d.activity}`);
}

function reconcileSummary(r: ReconcileReport | undefined): Html {
  if (!r) return html`<p class="empty">none has run (<code>koogate reconcile</code>, or set KOOGATE_RECONCILE_AT)</p>`;
  return html`<p>${time(r.at)}: ${r.orders} order(s) compared, <span class="${r.mismatches.length ? "bad" : "ok"}">${r.mismatches.length} mismatch(es)</span> — <a href="/ops/reconciliation">details</a></p>`;
}

export interface CallFilters {
  product?: string;
  activity?: string;
  verdict?: string;
  instance?: string;
  order?: string;
}

export function callsPage(d: { filters: CallFilters; products: string[]; events: EventRecord[] }): OpsPage {
  const f = d.filters;
  const form = html`<form class="filters" method="get" action="/ops/calls">
<label>Product ${select("product", d.products, f.product)}</label>
<label>Activity <input name="activity" value="${f.activity ?? ""}"></label>
<label>Verdict ${select("verdict", VERDICTS, f.verdict)}</label>
<label>Instance <input name="instance" value="${f.instance ?? ""}"></label>
<label>Order <input name="order" value="${f.order ?? ""}"></label>
<button>Filter</button></form>`;
  return page("Recent calls", html`${form}${eventsTable(d.events)}`);
}

function eventsTable(events: EventRecord[]): Html {
  return table(
    ["Time", "Product", "Activity", "Instance", "Verdict", "Result", "ms", "Detail", "Request id"],
    events.map((e) => [time(e.at), e.productId, e.activity || "-", instanceLink(e.productId, e.instanceId), verdictCell(e.verdict), html`<code>${e.resultCode}</code>`, e.durationMs, e.detail ?? "", e.requestId ?? "background"]),
    "no calls match",
  );
}

export function instancePage(d: { productId: string; instanceId: string; row?: InstanceRow; events: EventRecord[]; jobs: JobView[] }): OpsPage {
  const r = d.row;
  const facts = r
    ? table(
        ["Field", "Value"],
        [
          ["Product", r.productId],
          ["Instance", r.instanceId],
          ["State", r.state],
          ["Order", html`<a href="/ops/calls?order=${encodeURIComponent(r.orderId)}">${r.orderId}</a>`],
          ["Order line", r.orderLineId],
          ["Business id", r.businessId],
          ["Expires", time(r.expireAt)],
          ["Marketplace product", r.marketplaceProductId ?? "-"],
          ["Test", r.test ? "yes" : "no"],
          ["Created", time(r.createdAt)],
          ["Updated", time(r.updatedAt)],
        ],
      )
    : html`<p class="empty">koogate holds no instance under this id (calls naming it are listed below)</p>`;
  return page(`Instance ${d.instanceId}`, html`${facts}<h2>History</h2>${eventsTable([...d.events].reverse())}<h2>Outbox jobs</h2>${jobsTable(d.jobs)}`);
}

export function jobsPage(d: { jobs: JobView[]; notice?: string }): OpsPage {
  return page("Outbox jobs", html`${d.notice ? html`<p class="ok">${d.notice}</p>` : ""}${jobsTable(d.jobs)}`);
}

function jobsTable(jobs: JobView[]): Html {
  return table(
    ["Job", "Product", "Type", "Instance", "State", "Attempts", "Next attempt", "Last error", ""],
    jobs.map((j) => [
      j.id,
      j.productId,
      j.activity,
      instanceLink(j.productId, j.instanceId),
      html`<span class="${j.state === "failed" ? "bad" : "ok"}">${j.state}</span>`,
      j.attempts,
      j.state === "pending" ? time(j.nextAttemptAt) : "-",
      j.lastError ?? "",
      j.state === "failed" ? html`<form method="post" action="/ops/jobs/${j.id}/retry"><button>Retry now</button></form>` : "",
    ]),
    "no outbox jobs",
  );
}

/** The states a usage record can be in (the filter's options; any other value is ignored). */
export const USAGE_STATES: ReadonlyArray<StoredUsage["state"]> = ["pending", "pushed", "rejected"];

export function usagePage(d: { products: string[]; product?: string; state?: string; records: StoredUsage[] }): OpsPage {
  const form = html`<form class="filters" method="get" action="/ops/usage"><label>Product ${select("product", d.products, d.product)}</label><label>State ${select("state", USAGE_STATES, d.state)}</label><button>Filter</button></form>`;
  const rows = d.records.map((u) => [
    u.productId,
    instanceLink(u.productId, u.instanceId),
    html`<span class="${u.state === "rejected" ? "bad" : "ok"}">${u.state}</span>`,
    html`<code>${u.meteringSn}</code>`,
    html`${time(u.beginAt)} – ${time(u.endAt)}`,
    u.usageValue,
    u.source,
    u.pushAttempts,
    time(u.pushedAt),
    u.state === "rejected" ? `${u.errorCode ?? ""} ${u.errorMsg ?? ""}`.trim() : "",
  ]);
  return page(
    "Usage records",
    html`${form}${table(["Product", "Instance", "State", "metering_sn", "Window (UTC)", "Value", "Source", "Push attempts", "Pushed", "Why rejected"], rows, "no usage records match")}`,
  );
}

/** Notified orders and what became of each: its lines, whether the adapter heard of them, the instance made. */
export function ordersPage(d: { products: string[]; product?: string; orders: OrderView[] }): OpsPage {
  const form = html`<form class="filters" method="get" action="/ops/orders"><label>Product ${select("product", d.products, d.product)}</label><button>Filter</button></form>`;
  const rows = d.orders.flatMap((o) =>
    (o.lines.length ? o.lines : [undefined]).map((l) => [
      o.productId,
      html`<a href="/ops/calls?order=${encodeURIComponent(o.orderId)}">${o.orderId}</a>`,
      o.orderType ?? "-",
      o.createTime ?? "-",
      l?.orderLineId ?? "-",
      l ? [l.chargingMode, l.periodType && `${l.periodNumber ?? ""} ${l.periodType}`].filter(Boolean).join(", ") || "-" : "-",
      l?.skuCode ?? "-",
      l?.amount ?? "-",
      time(l?.expireAt),
      l?.notifiedAt ? time(l.notifiedAt) : html`<span class="bad">not yet</span>`,
      o.instances.length ? html`${o.instances.map((i, n) => html`${n ? ", " : ""}${instanceLink(o.productId, i.instanceId)} (${i.state})`)}` : html`<span class="${o.orderType === "NEW" ? "bad" : "empty"}">none</span>`,
      yes(o.test),
      time(o.fetchedAt),
    ]),
  );
  return page(
    "Notified orders",
    html`${form}${table(["Product", "Order", "Type", "Created (as answered)", "Order line", "Charging", "SKU", "Amount", "Expires", "Adapter told", "Instance", "Test", "Stored"], rows, "no notified order stored")}<p class="empty">The buyer and the lines' extra parameters rest sealed and are not shown.</p>`,
  );
}

export function reconciliationPage(r: ReconcileReport | undefined): OpsPage {
  const body = r
    ? html`${reconcileSummary(r)}${table(
        ["Kind", "Product", "Order", "Order line", "Instance", "metering_sn", "koogate", "Marketplace"],
        r.mismatches.map((m) => [m.kind, m.productId, m.orderId, m.orderLineId, instanceLink(m.productId, m.instanceId), m.meteringSn ?? "-", m.koogate, m.marketplace]),
        "every order agrees",
      )}`
    : reconcileSummary(undefined);
  return page("Last reconciliation", body);
}

export function loginPage(wrong: boolean): OpsPage {
  return page(
    "Sign in",
    html`${wrong ? html`<p class="bad">That is not the operator token.</p>` : ""}<form method="post" action="/ops/login"><label>Operator token (KOOGATE_OPS_TOKEN) <input type="password" name="token" autocomplete="current-password" autofocus></label> <button>Sign in</button></form>`,
    { nav: false },
  );
}
