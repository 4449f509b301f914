/**
 * Optional hooks a SaaS adapter may implement to hear about joint-operation syncs (docs/marketplace/saas.md §5). Each
 * is called after the change is stored in koogate's tables (JointOperationStore), and only when the
 * delivery was not superseded by a newer one; a repeat of the same delivery calls it again, so make it
 * safe to repeat. A hook that throws makes koogate answer `000005`; the stored state stays (the
 * marketplace may never resend: a later sync, or the enterprise admin's resync, carries the state on).
 */
import type { AdapterContext } from "../adapter.js";
import type { SyncOrgUnit, SyncUser } from "./requests.js";

interface ChangeBase {
  /** "" for the seller's own credential application (docs/marketplace/saas.md §5 tenantSync) */
  instanceId: string;
  tenantId: string;
  /** the marketplace time of the sync (`currentSyncTime`, else `timeStamp`) */
  syncAt: Date;
}

/** tenantSync: a buyer enterprise added or deleted. */
export interface TenantChange extends ChangeBase {
  orderId: string;
  tenantCode: string;
  name: string;
  domainName: string;
  deleted: boolean;
}

/** applicationSync: the app credentials of a tenant; `clientSecret` already decrypted. */
export interface ApplicationChange extends ChangeBase {
  appId: string;
  clientId: string | null;
  clientSecret: string | null;
  deleted: boolean;
}

/** authSync: users granted (`add`), changed (`modify`), deleted, or whose authorisation was revoked. */
export interface AuthChange extends ChangeBase {
  appId: string;
  action: "delete" | "add" | "modify" | "revoke";
  /** the users whose change was stored (a user changed by a newer sync is left out) */
  users: SyncUser[];
}

/** singleOrgSync (one unit) or allOrgSync (the whole tree, as a flat list with parents). */
export type OrgChange =
  | (ChangeBase & { kind: "single"; action: "delete" | "add" | "modify"; unit: SyncOrgUnit })
  | (ChangeBase & { kind: "full"; units: SyncOrgUnit[] });

export interface JointOperationHooks {
  onTenantSync?(change: TenantChange, ctx: AdapterContext): Promise<void>;
  onApplicationSync?(change: ApplicationChange, ctx: AdapterContext): Promise<void>;
  onAuthSync?(change: AuthChange, ctx: AdapterContext): Promise<void>;
  onOrgSync?(change: OrgChange, ctx: AdapterContext): Promise<void>;
}
