/**
 * The operator page's views of what each kind stores beyond the call log: an API listing's calls,
 * notified orders, joint-operation tenants, a License listing's codes and licences. Like ./pages.ts,
 * each takes what the routes read and returns the whole page (every value escaped by ./html.ts).
 */
import type { CallRecord } from "../../core/kinds/api/call-log.js";
import { CALL_OUTCOMES } from "../../core/kinds/api/vocabulary.js";
import type { CodeRow } from "../../core/kinds/license/codes.js";
import type { IssuedView, RelayUsageDay } from "../../core/store/licence-view.js";
import type { OrderView } from "../../core/store/order-view.js";
import type { TenantView } from "../../core/kinds/saas/sync/tenant-view.js";
import { html, page, table, time, type Html } from "./html.js";
import { instanceLink, select } from "./pages.js";

const yes = (b: boolean) => (b ? "yes" : "no");
const state = (s: string, bad: readonly string[]) => html`<span class="${bad.includes(s) ? "bad" : "ok"}">${s}</span>`;

export interface ApiCallFilters {
  buyer?: string;
  outcome?: string;
}

/** An API listing's call log: who called, what became of it, how long, how many bytes, and koogate's note. */
export function apiCallsPage(d: { products: string[]; product: string; filters: ApiCallFilters; calls: CallRecord[] }): string {
  const f = d.filters;
  const form = html`<form class="filters" method="get" action="/ops/calls">
<label>Product ${select("product", d.products, d.product)}</label>
<label>Buyer (X-Customer-Id) <input name="buyer" value="${f.buyer ?? ""}"></label>
<label>Outcome ${select("outcome", CALL_OUTCOMES, f.outcome)}</label>
<button>Filter</button></form>`;
  const rows = d.calls.map((c) => [
    time(c.at),
    c.buyerId ?? "-",
    c.method,
    html`<code>${c.status}</code>`,
    state(c.outcome, ["failed", "upstream-down", "upstream-timeout", "aborted"]),
    c.durationMs,
    c.bytesIn,
    c.bytesOut,
    c.note ?? "",
    c.requestId ?? "-",
  ]);
  return page(
    `Calls of API listing ${d.product}`,
    html`${form}${table(["Time", "Buyer", "Method", "Status", "Outcome", "ms", "Bytes in", "Bytes out", "Note", "Gateway request id"], rows, "no calls match")}`,
  );
}

/** Notified orders and what became of each: its lines, whether the adapter heard of them, the instance made. */
export function ordersPage(d: { products: string[]; product?: string; orders: OrderView[] }): string {
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

/** A SaaS listing's joint-operation tenants, each with its applications, users (masked) and departments. */
export function tenantsPage(d: { products: string[]; product: string; tenants: TenantView[] }): string {
  const form = html`<form class="filters" method="get" action="/ops/tenants"><label>Product ${select("product", d.products, d.product)}</label><button>Show</button></form>`;
  const sections = d.tenants.map((t) => {
    const facts = table(
      ["Tenant", "Code", "Name", "Domain", "Instance", "Order", "Deleted", "Test", "Synced (marketplace time)"],
      [[t.tenantId, t.tenantCode, t.name, t.domainName, t.instanceId ? instanceLink(d.product, t.instanceId) : "(seller's own application)", t.orderId, yes(t.deleted), yes(t.test), time(t.syncAt)]],
    );
    const apps = table(
      ["Application", "clientId", "clientSecret", "Deleted", "Synced"],
      t.applications.map((a) => [a.appId, a.clientId ?? "-", a.hasSecret ? "sealed (not shown)" : "-", yes(a.deleted), time(a.syncAt)]),
      "no application synced",
    );
    const users = table(
      ["Application", "User", "Name", "Employee no.", "Position", "Department", "Role", "Enabled", "State", "Synced"],
      t.users.map((u) => [u.appId, u.userName, u.name, u.employeeCode, u.position ?? "-", u.orgCode ?? "-", u.role ?? "-", yes(u.enabled), state(u.state, ["revoked", "deleted"]), time(u.syncAt)]),
      "no user authorised",
    );
    const departments = table(
      ["Department code", "Name", "Parent", "Deleted", "Synced"],
      t.departments.map((o) => [o.orgCode, o.name ?? "-", o.parentCode ?? "-", yes(o.deleted), time(o.syncAt)]),
      "no department synced",
    );
    return html`<section class="tenant"><h2>Tenant ${t.tenantId}</h2>${facts}<h3>Applications</h3>${apps}<h3>Users</h3>${users}<h3>Departments</h3>${departments}</section>`;
  });
  const note = html`<p class="empty">A user's account name, display name and employee number are shown by their first and last character only.</p>`;
  return page(`Tenants of ${d.product}`, html`${form}${note}${sections.length ? sections : html`<p class="empty">no tenant synced</p>`}`);
}

/**
 * A License listing's codes (variant code; the table holds a digest and the last four characters,
 * never the code, a bearer credential), the licences an adapter issued (online and 1.0 variants) and
 * the relay's usage reports per day.
 */
export function licencesPage(d: { productId: string; variant: string; codes: CodeRow[]; issued: IssuedView[]; relayDays: RelayUsageDay[] }): string {
  const codes = table(
    ["Code (last four)", "Status", "Marketplace says", "Order", "Expires", "Activated", "Last query", "Test", "Updated"],
    d.codes.map((c) => [
      html`<code>…${c.codeHint}</code>`,
      state(c.status, ["frozen", "released"]),
      c.marketplaceStatus ?? "-",
      c.orderId ? html`<a href="/ops/calls?order=${encodeURIComponent(c.orderId)}">${c.orderId}</a>` : "-",
      time(c.expireAt),
      time(c.activatedAt),
      time(c.lastQueryAt),
      yes(c.test),
      time(c.updatedAt),
    ]),
    "no authorization code seen yet",
  );
  const issued = table(
    ["Request key", "Instance", "Event", "State", "File", "Test", "Created", "Uploaded", "Updated"],
    d.issued.map((l) => [html`<code>${l.requestKey}…</code>`, instanceLink(d.productId, l.instanceId), l.eventId ?? "-", state(l.state, ["failed"]), l.fileName ?? "-", yes(l.test), time(l.createdAt), time(l.uploadedAt), time(l.updatedAt)]),
    "no licence issued yet",
  );
  const relay = table(
    ["Day (UTC)", "Reports", "Codes", "Sent"],
    d.relayDays.map((r) => [r.day, r.reports, r.codes, r.sent]),
    "no usage reported to the relay",
  );
  const parts: Html[] = [html`<p>Variant <code>${d.variant}</code></p>`, html`<h2>Authorization codes</h2>${codes}`, html`<h2>Licences issued</h2>${issued}`, html`<h2>Relay usage reports</h2>${relay}`];
  return page(`Licences of ${d.productId}`, html`${parts}`);
}
