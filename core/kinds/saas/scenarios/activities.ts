/**
 * One scenario per SaaS 2.0 basic activity (docs/marketplace/saas.md §4.1–§4.7): a single call, its fields from
 * options. By default any result code valid for the activity passes (an unknown instance is a valid
 * `000003` answer); `--expect` narrows it.
 */
import { parseMarketplaceTime } from "../../../time.js";
import { INSTANCE_STATUS_CHANGES, RESULT_CODES, type InstanceStatusChange, type ResultCode, type SaasActivity } from "../../../vocabulary.js";
import {
  changeInstanceCheckBody,
  expireIn,
  newBusinessId,
  newInstanceBody,
  newOrderLine,
  queryInstanceBody,
  refreshInstanceBody,
  releaseInstanceBody,
  updateInstanceStatusBody,
  upgradeInstanceBody,
} from "../../../simulation/bodies.js";
import { basicRequest } from "../../../simulation/requests/basic.js";
import { ScenarioUsageError, type Scenario, type ScenarioContext, type ScenarioOption } from "../../../simulation/scenario.js";
import { forSaas } from "./requirements.js";

/** The result codes a correct server may answer to each activity (docs/marketplace/saas.md §4, §6). */
export const VALID_CODES: Readonly<Record<SaasActivity, readonly ResultCode[]>> = {
  newInstance: ["000000", "000100"],
  queryInstance: ["000000", "000003"],
  refreshInstance: ["000000", "000003"],
  updateInstanceStatus: ["000000", "000003"],
  releaseInstance: ["000000", "000003"],
  upgradeInstance: ["000000", "000003", "000100"],
  // a refused change: the code is UNCONFIRMED (docs/marketplace/saas.md §4.7); koogate answers 000005
  changeInstanceCheck: ["000000", "000003", "000005"],
};

const expectOption: ScenarioOption = { type: "string", description: "result codes that pass, comma-separated (default: any valid for the activity)" };
const instanceOption: ScenarioOption = { type: "string", description: "the instanceId (required)" };
const orderOption: ScenarioOption = { type: "string", description: "orderId (default: a new one)" };
const lineOption: ScenarioOption = { type: "string", description: "orderLineId (default: <orderId>-000001)" };

function single(
  activity: SaasActivity,
  summary: string,
  options: Record<string, ScenarioOption>,
  body: (ctx: ScenarioContext) => Record<string, unknown>,
): Scenario {
  return {
    name: activity,
    summary,
    ...forSaas("v2"),
    options: { ...options, expect: expectOption },
    async run(ctx) {
      const b = body(ctx);
      await ctx.exchange(activity, basicRequest(ctx.target, b), { codes: expectedCodes(ctx, activity) });
    },
  };
}

function expectedCodes(ctx: ScenarioContext, activity: SaasActivity): readonly ResultCode[] {
  const raw = ctx.option("expect");
  if (!raw) return VALID_CODES[activity];
  const codes = raw.split(",").map((c) => c.trim());
  const known = Object.values(RESULT_CODES) as string[];
  const bad = codes.find((c) => !known.includes(c));
  if (bad !== undefined) throw new ScenarioUsageError(`--expect ${bad} is not a result code (${known.join(", ")})`);
  return codes as ResultCode[];
}

/** The order line from --order/--order-line, or a new one. */
function orderLine(ctx: ScenarioContext): { orderId: string; orderLineId: string } {
  const orderId = ctx.option("order");
  if (!orderId) return newOrderLine();
  return { orderId, orderLineId: ctx.option("order-line") ?? `${orderId}-000001` };
}

export const newInstance = single(
  "newInstance",
  "one purchase (a new order line, or --order to resend one)",
  { order: orderOption, "order-line": lineOption, business: { type: "string", description: "businessId (default: a new UUID, as on every delivery)" } },
  (ctx) => newInstanceBody({ ...orderLine(ctx), businessId: ctx.option("business") ?? newBusinessId(), testFlag: ctx.target.testFlag }),
);

export const queryInstance = single(
  "queryInstance",
  "ask for an instance's sign-in information (--instance, comma-separated for several)",
  { instance: instanceOption },
  (ctx) => queryInstanceBody({ instanceId: ctx.option("instance", true)!, testFlag: ctx.target.testFlag }),
);

export const refreshInstance = single(
  "refreshInstance",
  "change an instance's expiry: renewal, trial to paid, renewal cancelled",
  {
    instance: instanceOption,
    scene: { type: "string", description: "TRIAL_TO_FORMAL, RENEWAL, UNSUBSCRIBE_RENEWAL_PERIOD or another upper-case scene", default: "RENEWAL" },
    order: orderOption,
    "order-line": lineOption,
    expire: { type: "string", description: "new expiry, UTC yyyyMMddHHmmss (default: a year from now)" },
    "product-id": { type: "string", description: "new marketplace productId (optional)" },
  },
  (ctx) => {
    const expireTime = ctx.option("expire") ?? expireIn(365);
    if (!parseMarketplaceTime(expireTime)) throw new ScenarioUsageError(`--expire ${expireTime} is not a real yyyyMMddHHmmss time`);
    const scene = ctx.option("scene")!;
    if (!/^[A-Z][A-Z0-9_]*$/.test(scene)) throw new ScenarioUsageError(`--scene ${scene} is not an upper-case scene name`);
    return refreshInstanceBody({
      scene,
      ...orderLine(ctx),
      instanceId: ctx.option("instance", true)!,
      productId: ctx.option("product-id"),
      expireTime,
      testFlag: ctx.target.testFlag,
    });
  },
);

export const updateInstanceStatus = single(
  "updateInstanceStatus",
  "freeze or unfreeze an instance",
  { instance: instanceOption, status: { type: "string", description: "FREEZE or UNFREEZE", default: "FREEZE" } },
  (ctx) => {
    const status = ctx.option("status")!;
    if (!(INSTANCE_STATUS_CHANGES as readonly string[]).includes(status)) throw new ScenarioUsageError(`--status must be FREEZE or UNFREEZE, not ${status}`);
    return updateInstanceStatusBody({ instanceId: ctx.option("instance", true)!, status: status as InstanceStatusChange, testFlag: ctx.target.testFlag });
  },
);

export const releaseInstance = single(
  "releaseInstance",
  "release (delete) an instance; --order when caused by an unsubscription",
  { instance: instanceOption, order: { type: "string", description: "the unsubscribed orderId (optional)" }, "order-line": lineOption },
  (ctx) => {
    const orderId = ctx.option("order");
    return releaseInstanceBody({
      instanceId: ctx.option("instance", true)!,
      orderId,
      orderLineId: orderId ? (ctx.option("order-line") ?? `${orderId}-000001`) : undefined,
      testFlag: ctx.target.testFlag,
    });
  },
);

export const upgradeInstance = single(
  "upgradeInstance",
  "apply a paid upgrade order to an instance",
  { instance: instanceOption, order: orderOption, "order-line": lineOption },
  (ctx) => upgradeInstanceBody({ instanceId: ctx.option("instance", true)!, ...orderLine(ctx), testFlag: ctx.target.testFlag }),
);

export const changeInstanceCheck = single(
  "changeInstanceCheck",
  "ask whether a change at renewal is acceptable",
  { instance: instanceOption, "product-info": { type: "string", description: "the target productInfo as JSON (structure UNCONFIRMED, docs/marketplace/saas.md §4.7)", default: '{"plan":2}' } },
  (ctx) => {
    let productInfo: unknown;
    try {
      productInfo = JSON.parse(ctx.option("product-info")!);
    } catch {
      throw new ScenarioUsageError("--product-info must be a JSON object");
    }
    if (!productInfo || typeof productInfo !== "object" || Array.isArray(productInfo)) throw new ScenarioUsageError("--product-info must be a JSON object");
    return changeInstanceCheckBody({ instanceId: ctx.option("instance", true)!, productInfo: productInfo as Record<string, unknown>, testFlag: ctx.target.testFlag });
  },
);

export const singleActivities: readonly Scenario[] = [
  newInstance,
  queryInstance,
  refreshInstance,
  updateInstanceStatus,
  releaseInstance,
  upgradeInstance,
  changeInstanceCheck,
];
