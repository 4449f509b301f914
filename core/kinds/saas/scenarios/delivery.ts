/**
 * How the delivery scenarios (core/simulation/scenarios/delivery.ts) buy a SaaS listing and send each move, on
 * 2.0 (docs/marketplace/saas.md §4) and on 1.0 (§9), and the SaaS play of them.
 */
import { randomUUID } from "node:crypto";
import { expireIn, newOrderLine, refreshInstanceBody, releaseInstanceBody, updateInstanceStatusBody } from "../../../simulation/bodies.js";
import { basicRequest } from "../../../simulation/requests/basic.js";
import { v1Request } from "../../../simulation/requests/v1.js";
import { ScenarioAbort } from "../../../simulation/scenario.js";
import { SIM_CUSTOMER, type DeliveryPlay, type Surface } from "../../../simulation/scenarios/delivery.js";
import { purchase } from "../../../simulation/scenarios/purchase.js";
import type { SaasProduct } from "../product.js";

const saasV2: Surface = {
  unfreezesAfterRenewal: true,
  buy: (ctx) => purchase(ctx),
  async send(ctx, move, instanceId, orderId, label) {
    const t = ctx.target;
    const testFlag = t.testFlag;
    const [activity, body] =
      move === "renew"
        ? (["refreshInstance", refreshInstanceBody({ scene: "RENEWAL", ...newOrderLine(), instanceId, expireTime: expireIn(730), testFlag })] as const)
        : move === "release"
          ? (["releaseInstance", releaseInstanceBody({ instanceId, orderId, testFlag })] as const)
          : (["updateInstanceStatus", updateInstanceStatusBody({ instanceId, status: move === "expire" ? "FREEZE" : "UNFREEZE", testFlag })] as const);
    await ctx.exchange(activity, basicRequest(t, body), "000000", label);
    return activity;
  },
};

const saasV1: Surface = {
  unfreezesAfterRenewal: false,
  async buy(ctx, extra = {}) {
    const { orderId } = newOrderLine();
    const r = await ctx.exchange("newInstance", v1Request(ctx.target, "newInstance", { businessId: randomUUID(), orderId, customerId: SIM_CUSTOMER, expireTime: expireIn(365), ...extra }), "000000");
    if (!r.judgement.instanceId) throw new ScenarioAbort("newInstance answered no instanceId: nothing to act on");
    return { instanceId: r.judgement.instanceId, orderId };
  },
  async send(ctx, move, instanceId, orderId, label) {
    const t = ctx.target;
    const [activity, params] =
      move === "renew"
        ? (["refreshInstance", { instanceId, orderId: newOrderLine().orderId, expireTime: expireIn(730) }] as const)
        : move === "release"
          ? (["releaseInstance", { instanceId, orderId }] as const)
          : move === "expire"
            ? (["expireInstance", { instanceId, orderId }] as const)
            : (["instanceStatus", { instanceId, instanceStatus: "NORMAL" }] as const);
    await ctx.exchange(activity, v1Request(t, activity, params), "000000", label);
    return activity;
  },
};

/** The delivery scenarios on a SaaS listing of either protocol. */
export const SAAS_DELIVERY: DeliveryPlay = {
  kind: "saas",
  prefix: "",
  needs: "protocol v1 or v2",
  surfaceOf: (product) => ((product as SaasProduct).protocol === "v1" ? saasV1 : saasV2),
};
