/**
 * Adapter work that can outlive the marketplace's 5-second deadline: how to call the adapter for each
 * such activity from a stored payload, and what to commit when a background attempt succeeds.
 */
import type { Knex } from "knex";
import type { InstanceStore } from "../../store/instances.js";
import { sealAppInfo } from "./app-info.js";
import { assertNever } from "../../vocabulary.js";
import type {
  AdapterContext,
  NewInstanceRequest,
  NewInstanceResult,
  RefreshInstanceRequest,
  ReleaseInstanceRequest,
  SaasAdapter,
  UpdateInstanceStatusRequest,
  UpgradeInstanceRequest,
} from "./adapter.js";
import type { Product } from "../../products/definition.js";

/** The activities whose adapter work may go on after the answer (issue: async provisioning). */
export type DeferrableCall =
  | { activity: "newInstance"; request: NewInstanceRequest }
  | { activity: "refreshInstance"; request: RefreshInstanceRequest }
  | { activity: "updateInstanceStatus"; request: UpdateInstanceStatusRequest }
  | { activity: "releaseInstance"; request: ReleaseInstanceRequest }
  | { activity: "upgradeInstance"; request: UpgradeInstanceRequest };

export function invokeAdapter(adapter: SaasAdapter, call: DeferrableCall, ctx: AdapterContext): Promise<NewInstanceResult | void> {
  switch (call.activity) {
    case "newInstance":
      return adapter.newInstance(call.request, ctx);
    case "refreshInstance":
      return adapter.refreshInstance(call.request, ctx);
    case "updateInstanceStatus":
      return adapter.updateInstanceStatus(call.request, ctx);
    case "releaseInstance":
      return adapter.releaseInstance(call.request, ctx);
    case "upgradeInstance":
      return adapter.upgradeInstance(call.request, ctx);
    default:
      return assertNever(call);
  }
}

/** A call as stored in the outbox. */
export function serialiseCall(call: DeferrableCall): string {
  return JSON.stringify(call.request);
}

/** A stored call back into its typed form (dates revived). */
export function deserialiseCall(activity: string, payload: string): DeferrableCall {
  const request = JSON.parse(payload) as Record<string, unknown>;
  switch (activity) {
    case "refreshInstance":
      return { activity, request: { ...(request as unknown as RefreshInstanceRequest), expireAt: new Date(String(request.expireAt)) } };
    case "newInstance":
      return { activity, request: { ...(request as unknown as NewInstanceRequest), ...(request.expireAt ? { expireAt: new Date(String(request.expireAt)) } : {}) } };
    case "updateInstanceStatus":
    case "releaseInstance":
    case "upgradeInstance":
      return { activity, request: request as never };
    default:
      throw new Error(`the outbox holds an activity it cannot run: ${activity}`);
  }
}

/**
 * What a background success commits. The answer already committed the activity's own state change
 * (expiry, frozen, released); only a newInstance has more to store: the instance is now usable.
 */
export async function commitBackgroundSuccess(
  instances: InstanceStore,
  product: Product,
  call: DeferrableCall,
  result: NewInstanceResult | void,
  nowMs: number,
  trx: Knex.Transaction,
): Promise<void> {
  if (call.activity !== "newInstance") return;
  await instances.update(product.id, call.request.instanceId, { state: "active", appInfoSealed: sealAppInfo(product, result), updatedAt: nowMs }, trx);
}
