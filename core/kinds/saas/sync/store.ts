/**
 * The joint-operation sync state (docs/marketplace/saas.md §5): tenants, applications, users' authorisations and
 * organisation trees, as koogate's own tables (migration 20261124100000_joint_operation).
 *
 * Out-of-order deliveries are settled by the database, not by arrival order: every write is an upsert
 * that only lands when the row's stored `sync_at` is not newer than the delivery's (`<=`, so a repeat of
 * the same delivery rewrites the same values and adds nothing). Deletes are tombstones for the same
 * reason, and never require the row to exist.
 */
import { inject, injectable } from "tsyringe";
import { DATABASE, type Knex } from "../../../tokens.js";

type Db = Knex | Knex.Transaction;

/** Which buyer tenant of which instance a row belongs to. */
export interface TenantScope {
  productId: string;
  /** "" when the seller applies for app credentials without an order (docs/marketplace/saas.md §5 tenantSync) */
  instanceId: string;
  tenantId: string;
}

export interface TenantRow extends TenantScope {
  orderId: string;
  tenantCode: string;
  name: string;
  domainName: string;
  deleted: boolean;
  test: boolean;
  syncAt: number;
}

export interface ApplicationRow extends TenantScope {
  appId: string;
  clientId: string | null;
  /** sealed with core/crypto/at-rest.ts; null for a deleted application */
  clientSecretSealed: string | null;
  deleted: boolean;
  test: boolean;
  syncAt: number;
}

export const USER_STATES = ["authorized", "revoked", "deleted"] as const;
export type UserState = (typeof USER_STATES)[number];

export interface AppUserRow extends TenantScope {
  appId: string;
  userName: string;
  name: string | null;
  position: string | null;
  orgCode: string | null;
  role: string | null;
  enabled: boolean;
  employeeCode: string | null;
  state: UserState;
  test: boolean;
  syncAt: number;
}

export interface OrgUnit {
  orgCode: string;
  name: string | null;
  parentCode: string | null;
}

const scopeCols = (s: TenantScope) => ({ product_id: s.productId, instance_id: s.instanceId, tenant_id: s.tenantId });
const SCOPE_KEY = ["product_id", "instance_id", "tenant_id"];

@injectable()
export class JointOperationStore {
  constructor(@inject(DATABASE) private readonly db: Knex) {}

  /** Writes a tenant unless a newer sync already did; @returns whether it landed */
  async putTenant(r: TenantRow, nowMs: number, trx: Db = this.db): Promise<boolean> {
    return this.upsertIfNotNewer(trx, "koogate_tenants", SCOPE_KEY, {
      ...scopeCols(r),
      order_id: r.orderId,
      tenant_code: r.tenantCode,
      name: r.name,
      domain_name: r.domainName,
      deleted: r.deleted,
      test: r.test,
      sync_at: r.syncAt,
      updated_at: nowMs,
    });
  }

  /** Writes an application unless a newer sync already did; @returns whether it landed */
  async putApplication(r: ApplicationRow, nowMs: number, trx: Db = this.db): Promise<boolean> {
    return this.upsertIfNotNewer(trx, "koogate_applications", [...SCOPE_KEY, "app_id"], {
      ...scopeCols(r),
      app_id: r.appId,
      client_id: r.clientId,
      client_secret_sealed: r.clientSecretSealed,
      deleted: r.deleted,
      test: r.test,
      sync_at: r.syncAt,
      updated_at: nowMs,
    });
  }

  /** Writes each user's authorisation unless a newer sync already did; @returns the userNames that landed */
  async putUsers(rows: readonly AppUserRow[], nowMs: number, trx: Db = this.db): Promise<string[]> {
    const landed: string[] = [];
    for (const r of rows) {
      const ok = await this.upsertIfNotNewer(trx, "koogate_app_users", [...SCOPE_KEY, "app_id", "user_name"], {
        ...scopeCols(r),
        app_id: r.appId,
        user_name: r.userName,
        name: r.name,
        position: r.position,
        org_code: r.orgCode,
        role: r.role,
        enabled: r.enabled,
        employee_code: r.employeeCode,
        state: r.state,
        test: r.test,
        sync_at: r.syncAt,
        updated_at: nowMs,
      });
      if (ok) landed.push(r.userName);
    }
    return landed;
  }

  /**
   * Replaces a tenant's tree with `units` as of `syncAt` (allOrgSync). Run it in one transaction: the
   * tree row is written first, which also makes concurrent changes of this tree wait (PostgreSQL row
   * lock; SQLite has one writer). Units changed by a newer single sync keep their newer state; units
   * missing from the list become tombstones. @returns false when a newer full sync was already applied
   */
  async replaceOrgTree(scope: TenantScope, units: readonly OrgUnit[], syncAt: number, nowMs: number, trx: Knex.Transaction): Promise<boolean> {
    const tree = await trx("koogate_org_trees")
      .insert({ ...scopeCols(scope), full_sync_at: syncAt, updated_at: nowMs })
      .onConflict(SCOPE_KEY)
      .merge(["full_sync_at", "updated_at"])
      .where("koogate_org_trees.full_sync_at", "<=", syncAt)
      .returning("product_id");
    if (tree.length === 0) return false;
    for (const u of units) await this.putOrgUnit(trx, scope, u, false, syncAt, nowMs);
    const codes = units.map((u) => u.orgCode);
    await trx("koogate_org_units")
      .where(scopeCols(scope))
      .andWhere("deleted", false)
      .andWhere("sync_at", "<=", syncAt)
      .modify((q) => (codes.length ? q.whereNotIn("org_code", codes) : q))
      .update({ deleted: true, sync_at: syncAt, updated_at: nowMs });
    return true;
  }

  /**
   * Applies one unit's change (singleOrgSync) in a transaction. A change older than the newest full
   * sync of the tree is stale: that full sync described the whole tree later. @returns whether it landed
   */
  async changeOrgUnit(scope: TenantScope, unit: OrgUnit, deleted: boolean, syncAt: number, nowMs: number, trx: Knex.Transaction): Promise<boolean> {
    // Touch the tree row first: it serialises this change with a concurrent full sync of the tree.
    const [tree] = await trx("koogate_org_trees")
      .insert({ ...scopeCols(scope), full_sync_at: 0, updated_at: nowMs })
      .onConflict(SCOPE_KEY)
      .merge(["updated_at"])
      .returning("full_sync_at");
    if (Number((tree as { full_sync_at: number }).full_sync_at) > syncAt) return false;
    return this.putOrgUnit(trx, scope, unit, deleted, syncAt, nowMs);
  }

  private putOrgUnit(trx: Db, scope: TenantScope, u: OrgUnit, deleted: boolean, syncAt: number, nowMs: number): Promise<boolean> {
    return this.upsertIfNotNewer(trx, "koogate_org_units", [...SCOPE_KEY, "org_code"], {
      ...scopeCols(scope),
      org_code: u.orgCode,
      name: u.name,
      parent_code: u.parentCode,
      deleted,
      sync_at: syncAt,
      updated_at: nowMs,
    });
  }

  /** INSERT … ON CONFLICT DO UPDATE … WHERE stored sync_at <= new sync_at (same SQL on SQLite and PostgreSQL). */
  private async upsertIfNotNewer(trx: Db, table: string, key: string[], row: Record<string, unknown>): Promise<boolean> {
    const cols = Object.keys(row).filter((c) => !key.includes(c));
    const rows = await trx(table)
      .insert(row)
      .onConflict(key)
      .merge(cols)
      .where(`${table}.sync_at`, "<=", row.sync_at as number)
      .returning(key[0]!);
    return rows.length === 1;
  }

  // ---- reads, for adapters and operators ----

  async tenant(scope: TenantScope): Promise<TenantRow | undefined> {
    const r = await this.db("koogate_tenants").where(scopeCols(scope)).first();
    if (!r) return undefined;
    return {
      ...scope,
      orderId: r.order_id,
      tenantCode: r.tenant_code,
      name: r.name,
      domainName: r.domain_name,
      deleted: Boolean(r.deleted),
      test: Boolean(r.test),
      syncAt: Number(r.sync_at),
    };
  }

  async application(scope: TenantScope, appId: string): Promise<ApplicationRow | undefined> {
    const r = await this.db("koogate_applications").where({ ...scopeCols(scope), app_id: appId }).first();
    if (!r) return undefined;
    return {
      ...scope,
      appId,
      clientId: r.client_id,
      clientSecretSealed: r.client_secret_sealed,
      deleted: Boolean(r.deleted),
      test: Boolean(r.test),
      syncAt: Number(r.sync_at),
    };
  }

  /** Every user row of an application, deleted and revoked ones included, by userName. */
  async users(scope: TenantScope, appId: string): Promise<AppUserRow[]> {
    const rows: Array<Record<string, unknown>> = await this.db("koogate_app_users")
      .where({ ...scopeCols(scope), app_id: appId })
      .orderBy("user_name");
    return rows.map((r) => ({
      ...scope,
      appId,
      userName: String(r.user_name),
      name: (r.name as string | null) ?? null,
      position: (r.position as string | null) ?? null,
      orgCode: (r.org_code as string | null) ?? null,
      role: (r.role as string | null) ?? null,
      enabled: Boolean(r.enabled),
      employeeCode: (r.employee_code as string | null) ?? null,
      state: r.state as UserState,
      test: Boolean(r.test),
      syncAt: Number(r.sync_at),
    }));
  }

  /** The live units of a tenant's tree (tombstones left out), by orgCode. */
  async orgUnits(scope: TenantScope): Promise<OrgUnit[]> {
    const rows: Array<Record<string, unknown>> = await this.db("koogate_org_units")
      .where({ ...scopeCols(scope), deleted: false })
      .orderBy("org_code");
    return rows.map((r) => ({ orgCode: String(r.org_code), name: (r.name as string | null) ?? null, parentCode: (r.parent_code as string | null) ?? null }));
  }
}
