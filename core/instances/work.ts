/**
 * Instance adapter work (a SaaS or an online License listing's) that can outlive the marketplace's 5-second deadline
 * (docs/marketplace/saas.md §1, §4.1): how each such activity calls the adapter, how it is stored in the outbox and run again from there, and what a
 * background success or giving up commits. The outbox itself is the same for every kind.
 */
import { injectable } from "tsyringe";
import type { Knex } from "knex";
import { openAtRest, sealAtRest } from "../crypto/at-rest.js";
import type { Logger } from "../logger.js";
import type { JobHandler, RetryPolicy } from "../outbox/handlers.js";
import { Outbox, type Started } from "../outbox/outbox.js";
import { startAdapterWork } from "../outbox/provisioning.js";
import type { Job } from "../store/jobs.js";
import { InstanceStore } from "../store/instances.js";
import { assertNever } from "../vocabulary.js";
import { calledOnce } from "../lifecycle/delivery.js";
import type {
  NewInstanceRequest,
  NewInstanceResult,
  RefreshInstanceRequest,
  ReleaseInstanceRequest,
  InstanceAdapter,
  UpdateInstanceStatusRequest,
  UpgradeInstanceRequest,
} from "./adapter.js";
import { sealAppInfo } from "./app-info.js";
import { adapterContext, type AdapterContext } from "../serving/adapter-context.js";
import type { InstanceProduct, ServedInstances } from "./product.js";

/** The activities whose adapter work may go on after the answer. */
export type DeferrableCall =
  | { activity: "newInstance"; request: NewInstanceRequest }
  | { activity: "refreshInstance"; request: RefreshInstanceRequest }
  | { activity: "updateInstanceStatus"; request: UpdateInstanceStatusRequest }
  | { activity: "releaseInstance"; request: ReleaseInstanceRequest }
  | { activity: "upgradeInstance"; request: UpgradeInstanceRequest };

function invokeAdapter(adapter: InstanceAdapter, call: DeferrableCall, ctx: AdapterContext): Promise<NewInstanceResult | void> {
  switch (call.activity) {
    case "newInstance":
      return adapter.newInstance(call.request, ctx);
    case "refreshInstance":
      return renew(adapter, call.request, ctx);
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

/**
 * A renewal; one that makes an expired or frozen 1.0 instance usable again (`resumes`) is followed by
 * the unfreeze the adapter would hear on 2.0, in that order (core/lifecycle/table.ts).
 */
async function renew(adapter: InstanceAdapter, request: RefreshInstanceRequest, ctx: AdapterContext): Promise<void> {
  await adapter.refreshInstance(request, ctx);
  if (request.resumes) await adapter.updateInstanceStatus({ instanceId: request.instanceId, status: "UNFREEZE" }, ctx);
}

/**
 * A call as stored in the outbox: sealed with the product's basic key like credentials are, because a
 * 1.0 newInstance carries the buyer's name, phone and e-mail (personal data never rests in clear).
 */
function serialiseCall(served: ServedInstances, call: DeferrableCall): string {
  return sealAtRest(JSON.stringify(call.request), served.product.keys.basic[0]!);
}

/** A stored call back into its typed form (dates revived). @throws when it cannot be opened or read */
function deserialiseCall(served: ServedInstances, activity: string, payload: string): DeferrableCall {
  // a job stored before payloads were sealed is plain JSON
  const text = payload.startsWith("{") ? payload : openAtRest(payload, served.product.keys.basic);
  const request = JSON.parse(text) as Record<string, unknown>;
  switch (activity) {
    case "refreshInstance":
      return { activity, request: { ...(request as unknown as RefreshInstanceRequest), expireAt: new Date(String(request.expireAt)) } };
    case "newInstance":
      return { activity, request: { ...(request as unknown as NewInstanceRequest), ...(request.expireAt ? { expireAt: new Date(String(request.expireAt)) } : {}) } };
    case "updateInstanceStatus":
      return { activity, request: request as unknown as UpdateInstanceStatusRequest };
    case "releaseInstance":
      return { activity, request: request as unknown as ReleaseInstanceRequest };
    case "upgradeInstance":
      return { activity, request: request as unknown as UpgradeInstanceRequest };
    default:
      throw new Error(`not an instance job type: ${activity}`);
  }
}

function policy(served: ServedInstances): RetryPolicy {
  return served.product.provisioning;
}

@injectable()
export class InstanceWork {
  constructor(
    private readonly outbox: Outbox,
    private readonly instances: InstanceStore,
  ) {}

  /**
   * Calls the adapter for at most the product's budget; past it, the caller answers at once and the
   * work goes on from the outbox (`Started.finished` false).
   * @throws AdapterFailure wrapping whatever the adapter threw within the budget
   */
  async start(served: ServedInstances, call: DeferrableCall, test: boolean, ctx: AdapterContext): Promise<Started<NewInstanceResult | void>> {
    const spec = { activity: call.activity, instanceId: call.request.instanceId, payload: () => serialiseCall(served, call), test };
    return startAdapterWork(this.outbox, served, spec, () => invokeAdapter(served.adapter, call, ctx), { once: calledOnce(call.activity), ordered: call.activity !== "newInstance" });
  }

  /** The job handlers of the instance activities: one per deferrable activity (a kind serving instances lists them among its jobs). */
  handlers(): Record<string, JobHandler<InstanceProduct, InstanceAdapter>> {
    const run = (served: ServedInstances, job: Job, logger: Logger) =>
      invokeAdapter(served.adapter, deserialiseCall(served, job.activity, job.payload), adapterContext(served.product, logger, job));
    const common = { policy, run };
    return {
      newInstance: {
        ...common,
        // the instance is usable now: store its sign-in information
        succeeded: async (served, job, result, nowMs, trx) => {
          await this.instances.update(served.product.id, job.instanceId, { state: "active", appInfoSealed: sealAppInfo(served.product, result as NewInstanceResult | void), updatedAt: nowMs }, trx);
        },
        gaveUp: async (served, job, nowMs, trx: Knex.Transaction) => {
          await this.instances.update(served.product.id, job.instanceId, { state: "failed", updatedAt: nowMs }, trx);
        },
      },
      // The answer already committed these activities' own state change (expiry, frozen, released).
      refreshInstance: common,
      updateInstanceStatus: common,
      releaseInstance: common,
      upgradeInstance: common,
    };
  }
}
