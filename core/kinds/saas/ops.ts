/**
 * What the operator page shows of a SaaS listing beyond the core's views (core/ops/views.ts): its
 * joint-operation tenants (docs/marketplace/saas.md §5), each with its applications, users (masked by
 * ./tenant-view.ts) and departments, linked from the listing's row.
 */
import { html, instanceLink, select, table, time } from "../../ops/html.js";
import { filterOf, type KindOps, type OpsContent } from "../../ops/views.js";
import { listTenants, type TenantView } from "./sync/tenant-view.js";
import type { SaasProduct } from "./product.js";

const yes = (b: boolean) => (b ? "yes" : "no");
const stateCell = (s: string) => html`<span class="${["revoked", "deleted"].includes(s) ? "bad" : "ok"}">${s}</span>`;

/** A SaaS listing's joint-operation tenants, each with its applications, users (masked) and departments. */
export function tenantsContent(d: { products: string[]; product: string; tenants: TenantView[] }): OpsContent {
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
      t.users.map((u) => [u.appId, u.userName, u.name, u.employeeCode, u.position ?? "-", u.orgCode ?? "-", u.role ?? "-", yes(u.enabled), stateCell(u.state), time(u.syncAt)]),
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
  return { title: `Tenants of ${d.product}`, body: html`${form}${note}${sections.length ? sections : html`<p class="empty">no tenant synced</p>`}` };
}

export const SAAS_OPS: KindOps<SaasProduct> = {
  links: (p) => [{ text: "tenants", href: `/ops/tenants?product=${encodeURIComponent(p.id)}` }],
  views: (ctx) => [
    {
      path: "/ops/tenants",
      nav: "Tenants",
      async render({ query }) {
        const own = ctx.products().filter((p) => p.kind === "saas").map((p) => p.id);
        const product = filterOf(query, "product") ?? own[0] ?? "";
        return tenantsContent({ products: own, product, tenants: product ? await listTenants(ctx.db, product) : [] });
      },
    },
  ],
};
