/**
 * The operator page's view of joint-operation state (docs/marketplace/saas.md §5), as stored by
 * ./store.ts: tenants, their applications, users and departments. What identifies a
 * person — a user's account name, display name and employee number — leaves this module masked
 * (`mask`), and an application's clientSecret (sealed at rest) is only said to be there: the page can
 * show neither.
 */
import type { Knex } from "knex";
import type { TenantRow } from "./store.js";

/** A personal value shown by its first and last character only: "alice@example.com" → "a…m". */
export function mask(value: string | null | undefined): string {
  if (!value) return "-";
  const chars = [...value];
  return chars.length <= 2 ? "…" : `${chars[0]}…${chars[chars.length - 1]}`;
}

/** A tenant as stored (its name and domain are an organisation's, not a person's), with what was synced under it. */
export interface TenantView extends Omit<TenantRow, "productId"> {
  applications: Array<{ appId: string; clientId: string | null; hasSecret: boolean; deleted: boolean; syncAt: number }>;
  users: Array<{ appId: string; userName: string; name: string; employeeCode: string; position: string | null; orgCode: string | null; role: string | null; enabled: boolean; state: string; syncAt: number }>;
  departments: Array<{ orgCode: string; name: string | null; parentCode: string | null; deleted: boolean; syncAt: number }>;
}

/** Rows of each kind read for the tenants listed: a tenant with more shows its first ones. */
const MAX_ROWS = 2000;

/** A product's tenants, most recently synced first, each with what was synced under it. */
export async function listTenants(db: Knex, productId: string, limit = 100): Promise<TenantView[]> {
  const tenants: Array<Record<string, unknown>> = await db("koogate_tenants").where("product_id", productId).orderBy("sync_at", "desc").limit(limit);
  if (tenants.length === 0) return [];
  const scopes = tenants.map((t) => [productId, String(t.instance_id), String(t.tenant_id)]);
  const under = (table: string, order: string) => db(table).whereIn(["product_id", "instance_id", "tenant_id"], scopes).orderBy(order).limit(MAX_ROWS) as Promise<Array<Record<string, unknown>>>;
  const [apps, users, orgs] = await Promise.all([under("koogate_applications", "app_id"), under("koogate_app_users", "app_id"), under("koogate_org_units", "org_code")]);
  const of = (r: Record<string, unknown>) => `${String(r.instance_id)}\u0000${String(r.tenant_id)}`;
  return tenants.map((t) => ({
    instanceId: String(t.instance_id),
    tenantId: String(t.tenant_id),
    orderId: String(t.order_id),
    tenantCode: String(t.tenant_code),
    name: String(t.name),
    domainName: String(t.domain_name),
    deleted: Boolean(t.deleted),
    test: Boolean(t.test),
    syncAt: Number(t.sync_at),
    applications: apps
      .filter((a) => of(a) === of(t))
      .map((a) => ({ appId: String(a.app_id), clientId: (a.client_id as string | null) ?? null, hasSecret: a.client_secret_sealed !== null, deleted: Boolean(a.deleted), syncAt: Number(a.sync_at) })),
    users: users
      .filter((u) => of(u) === of(t))
      .map((u) => ({
        appId: String(u.app_id),
        userName: mask(u.user_name as string),
        name: mask(u.name as string | null),
        employeeCode: mask(u.employee_code as string | null),
        position: (u.position as string | null) ?? null,
        orgCode: (u.org_code as string | null) ?? null,
        role: (u.role as string | null) ?? null,
        enabled: Boolean(u.enabled),
        state: String(u.state),
        syncAt: Number(u.sync_at),
      })),
    departments: orgs
      .filter((o) => of(o) === of(t))
      .map((o) => ({ orgCode: String(o.org_code), name: (o.name as string | null) ?? null, parentCode: (o.parent_code as string | null) ?? null, deleted: Boolean(o.deleted), syncAt: Number(o.sync_at) })),
  }));
}
