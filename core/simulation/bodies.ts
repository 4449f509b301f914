/**
 * The bodies KooGallery sends for each SaaS 2.0 basic activity, fields in the order of the spec's
 * tables (docs/marketplace/saas.md §4.1–§4.7). Optional fields are left out when not given, as the marketplace does.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { formatMarketplaceTime } from "../time.js";
import type { InstanceStatusChange, RefreshScene, SaasActivity } from "../vocabulary.js";

type Body = { activity: SaasActivity } & Record<string, unknown>;
type TestFlag = "0" | "1";

/** An order line as KooGallery numbers them: `CS` + 15 characters, line `-000001` (docs/marketplace/saas.md §4.5 example). */
export function newOrderLine(): { orderId: string; orderLineId: string } {
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(2, 12); // yyMMddHHmm
  const orderId = `CS${stamp}${randomBytes(4).toString("hex").toUpperCase().slice(0, 5)}`;
  return { orderId, orderLineId: `${orderId}-000001` };
}

/** A fresh businessId: different on every delivery, resends included (docs/marketplace/saas.md §4.1). */
export function newBusinessId(): string {
  return randomUUID();
}

/** An `expireTime` `days` from now, UTC `yyyyMMddHHmmss` (docs/marketplace/saas.md §4.3; zone UNCONFIRMED, §11.13). */
export function expireIn(days: number, from = Date.now()): string {
  return formatMarketplaceTime(new Date(from + days * 86_400_000));
}

export function newInstanceBody(f: { orderId: string; orderLineId: string; businessId: string; testFlag: TestFlag }): Body {
  return { activity: "newInstance", orderId: f.orderId, orderLineId: f.orderLineId, businessId: f.businessId, testFlag: f.testFlag };
}

export function queryInstanceBody(f: { instanceId: string; testFlag: TestFlag }): Body {
  return { activity: "queryInstance", instanceId: f.instanceId, testFlag: f.testFlag };
}

export function refreshInstanceBody(f: {
  scene: RefreshScene | (string & {});
  orderId: string;
  orderLineId: string;
  instanceId: string;
  productId?: string;
  expireTime: string;
  testFlag: TestFlag;
}): Body {
  return {
    activity: "refreshInstance",
    scene: f.scene,
    orderId: f.orderId,
    orderLineId: f.orderLineId,
    instanceId: f.instanceId,
    ...(f.productId ? { productId: f.productId } : {}),
    expireTime: f.expireTime,
    testFlag: f.testFlag,
  };
}

export function updateInstanceStatusBody(f: { instanceId: string; status: InstanceStatusChange; testFlag: TestFlag }): Body {
  return { activity: "updateInstanceStatus", instanceId: f.instanceId, status: f.status, testFlag: f.testFlag };
}

export function releaseInstanceBody(f: { instanceId: string; orderId?: string; orderLineId?: string; testFlag: TestFlag }): Body {
  return {
    activity: "releaseInstance",
    instanceId: f.instanceId,
    ...(f.orderId ? { orderId: f.orderId } : {}),
    ...(f.orderLineId ? { orderLineId: f.orderLineId } : {}),
    testFlag: f.testFlag,
  };
}

export function upgradeInstanceBody(f: { instanceId: string; orderId: string; orderLineId: string; testFlag: TestFlag }): Body {
  return { activity: "upgradeInstance", instanceId: f.instanceId, orderId: f.orderId, orderLineId: f.orderLineId, testFlag: f.testFlag };
}

/** `testFlag` only on debugging calls: real changeInstanceCheck calls omit it (docs/marketplace/saas.md §4.7). */
export function changeInstanceCheckBody(f: { instanceId: string; productInfo: Record<string, unknown>; testFlag: TestFlag }): Body {
  return {
    activity: "changeInstanceCheck",
    instanceId: f.instanceId,
    productInfo: f.productInfo,
    ...(f.testFlag === "1" ? { testFlag: "1" } : {}),
  };
}
