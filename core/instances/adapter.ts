/**
 * The contract between koogate and a merchant's backend for the instances a buyer holds: a SaaS
 * listing's (docs/marketplace/saas.md §4) and an online License listing's (docs/marketplace/license.md
 * §3.1–3.4), which are the same activities. Adapters receive typed, validated input: never the raw
 * request, a signature, a retry or the wire protocol.
 */
import type { AdapterContext } from "../serving/adapter-context.js";
import type { InstanceStatusChange, RefreshScene } from "../vocabulary.js";
import type { PurchaseTerms } from "../lifecycle/terms.js";

export type { AdapterContext, PurchaseTerms };

/** How the buyer signs in (docs/marketplace/saas.md §4.2 AppInfo). koogate stores it sealed and answers queryInstance with it. */
export interface AppInfo {
  frontEndUrl?: string;
  adminUrl?: string;
  userName?: string;
  password?: string;
  memo?: string;
}

/** The buyer, as a 1.0 newInstance names it (docs/marketplace/saas.md §9); 2.0 sends none of it (read the order, §8.2). */
export interface CustomerInfo {
  id?: string;
  name?: string;
  userId?: string;
  userName?: string;
  /** decrypted by koogate (docs/marketplace/saas.md §7); absent when it could not be */
  mobilePhone?: string;
  /** decrypted by koogate (docs/marketplace/saas.md §7); absent when it could not be */
  email?: string;
}

/**
 * What a purchase may say beyond its order: filled in from a 1.0 newInstance (docs/marketplace/saas.md §9), absent on
 * 2.0 listings, whose body carries only the order (docs/marketplace/saas.md §4.1).
 */
export interface NewInstanceDetails {
  customer?: CustomerInfo;
  /** the marketplace productId and SKU bought */
  productId?: string;
  skuCode?: string;
  /** when the purchase expires (1.0 `expireTime`, UTC); absent for a one-off (按次, chargingMode 3) purchase, which never does */
  expireAt?: Date;
  /** what was bought: quantity (`amount`), charging mode, period, sizes (1.0 newInstance); stored with the instance */
  terms?: PurchaseTerms;
  /** a trial (1.0 `trialFlag=1`) */
  trial?: boolean;
  /** the buyer's extra parameters (1.0 `saasExtendParams`, decoded) by name */
  extendParams?: Record<string, string>;
}

export interface NewInstanceRequest extends NewInstanceDetails {
  /** the instance to create; stable across resends and retries of this order line */
  instanceId: string;
  orderId: string;
  /**
   * the order line. A 1.0 order has no lines: there it is the order's productId (one instance per
   * product of an order, docs/marketplace/saas.md §4.1, §9), or the orderId when the call names no productId.
   */
  orderLineId: string;
}
export interface NewInstanceResult {
  appInfo?: AppInfo;
}

export interface RefreshInstanceRequest {
  instanceId: string;
  /** a known scene, or a newer one passed through unchanged (docs/marketplace/saas.md §4.3: accept unknown scenes) */
  scene: RefreshScene | (string & {});
  orderId: string;
  orderLineId: string;
  /** the new marketplace productId when the billing cycle changes */
  productId?: string;
  /** the new expiry */
  expireAt: Date;
  /** the renewed period (1.0 `periodType` / `periodNumber`), when sent */
  terms?: PurchaseTerms;
  /**
   * true when this renewal makes an expired or frozen 1.0 instance usable again (1.0 has no unfreeze
   * call, core/lifecycle/table.ts); koogate then also calls `updateInstanceStatus` with `UNFREEZE`
   */
  resumes?: true;
}

export interface UpdateInstanceStatusRequest {
  instanceId: string;
  status: InstanceStatusChange;
}

export interface ReleaseInstanceRequest {
  instanceId: string;
  /** the unsubscription order, when the release comes from one */
  orderId?: string;
  orderLineId?: string;
}

/** What an upgrade may say beyond its order: filled in from a 1.0 `upgrade` (docs/marketplace/saas.md §9), absent in 2.0. */
export interface UpgradeDetails {
  productId?: string;
  skuCode?: string;
  /** the new quantity and sizes (1.0 `amount`, `diskSize`, `bandWidth`), when sent */
  terms?: PurchaseTerms;
}

export interface UpgradeInstanceRequest extends UpgradeDetails {
  instanceId: string;
  orderId: string;
  /** the order line; the orderId on a 1.0 listing, whose orders have no lines */
  orderLineId: string;
}

export interface ChangeInstanceCheckRequest {
  instanceId: string;
  /** the target product; its structure is UNCONFIRMED (docs/marketplace/saas.md §4.7) */
  productInfo: Record<string, unknown>;
}
export type ChangeInstanceCheckResult = { accepted: true } | { accepted: false; reason: string };

/**
 * A merchant's backend for instances. Each method may throw; koogate answers `000005` and the marketplace will
 * resend. To answer a specific marketplace code (`000100` no resource), throw `new CallError("000100")`.
 *
 * koogate calls `newInstance` once per order line, `refreshInstance` and `upgradeInstance` once per
 * order, and skips freezes of frozen and releases of released instances. A method can still be called
 * again with the same input after a crash or a failure, so make it safe to repeat for one `instanceId`.
 */
export interface InstanceAdapter {
  newInstance(req: NewInstanceRequest, ctx: AdapterContext): Promise<NewInstanceResult>;
  refreshInstance(req: RefreshInstanceRequest, ctx: AdapterContext): Promise<void>;
  updateInstanceStatus(req: UpdateInstanceStatusRequest, ctx: AdapterContext): Promise<void>;
  releaseInstance(req: ReleaseInstanceRequest, ctx: AdapterContext): Promise<void>;
  upgradeInstance(req: UpgradeInstanceRequest, ctx: AdapterContext): Promise<void>;
  /** optional: without it every change is accepted (SaaS only: an online License listing is never asked) */
  changeInstanceCheck?(req: ChangeInstanceCheckRequest, ctx: AdapterContext): Promise<ChangeInstanceCheckResult>;
}
