/**
 * How the delivery scenarios (core/simulation/scenarios/delivery.ts) buy a 1.0 licence and send each move
 * (docs/marketplace/license.md §4), and the License play of them, named `license-<scenario>`.
 */
import { randomUUID } from "node:crypto";
import { expireIn, newOrderLine } from "../../../simulation/bodies.js";
import { v1Request } from "../../../simulation/requests/v1.js";
import { ScenarioAbort } from "../../../simulation/scenario.js";
import { SIM_CUSTOMER, type DeliveryPlay, type Surface } from "../../../simulation/scenarios/delivery.js";
import { forLicense } from "./requirements.js";

const licenceV1: Surface = {
  unfreezesAfterRenewal: false,
  async buy(ctx, extra = {}) {
    const { orderId } = newOrderLine();
    const r = await ctx.exchange("getLicense", v1Request(ctx.target, "getLicense", { businessId: randomUUID(), orderId, customerId: SIM_CUSTOMER, expireTime: expireIn(365), ...extra }), "000000");
    const json = r.judgement.json ?? {};
    if (typeof json.instanceId !== "string") throw new ScenarioAbort("getLicense answered no instanceId: nothing to act on");
    return { instanceId: json.instanceId, orderId, licence: typeof json.license === "string" ? json.license : undefined };
  },
  async send(ctx, move, instanceId, orderId, label) {
    const activity = move === "renew" ? "refreshLicense" : move === "release" ? "releaseLicense" : "expireLicense";
    if (move === "unfreeze") throw new ScenarioAbort("the 1.0 licence has no unfreeze call (docs/marketplace/license.md §4)");
    const params: Record<string, string> = move === "renew" ? { instanceId, orderId: newOrderLine().orderId, expireTime: expireIn(730) } : { instanceId, orderId };
    await ctx.exchange(activity, v1Request(ctx.target, activity, params), "000000", label);
    return activity;
  },
};

/** The delivery scenarios on a 1.0 License listing. */
export const LICENSE_DELIVERY: DeliveryPlay = {
  ...forLicense("v1"),
  prefix: "license-",
  surfaceOf: () => licenceV1,
};
