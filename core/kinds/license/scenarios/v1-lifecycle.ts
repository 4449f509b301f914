/**
 * A 1.0 licence (docs/marketplace/license.md §4): getLicense, the same order resent (same instanceId and licence),
 * refreshLicense, expireLicense, releaseLicense and the release resent; every answer Body-Signed.
 */
import { randomUUID } from "node:crypto";
import { expireIn, newOrderLine } from "../../../simulation/bodies.js";
import { v1Request } from "../../../simulation/requests/v1.js";
import { ScenarioAbort, type Scenario } from "../../../simulation/scenario.js";
import { forLicense } from "./requirements.js";

export const licenseV1Lifecycle: Scenario = {
  name: "license-v1-lifecycle",
  summary: "1.0 License GET: getLicense, resend, refresh, expire, release, release resent",
  ...forLicense("v1"),
  async run(ctx) {
    const t = ctx.target;
    const { orderId } = newOrderLine();
    const purchase = () => v1Request(t, "getLicense", { businessId: randomUUID(), orderId, customerId: "68cbc86abc2018ab880d92f36422fa0e", productId: "00301-666666-0--0" });
    const first = await ctx.exchange("getLicense", purchase(), "000000");
    const json = first.judgement.json ?? {};
    const instanceId = typeof json.instanceId === "string" ? json.instanceId : undefined;
    if (!instanceId) throw new ScenarioAbort("getLicense answered no instanceId: nothing to act on");
    ctx.check("licence", typeof json.license === "string" && json.license !== "" ? null : "getLicense must answer a license string (docs/marketplace/license.md §4)");
    const again = await ctx.exchange("getLicense", purchase(), "000000", "the same order resent (new businessId)");
    const same = again.judgement.json?.instanceId === instanceId && again.judgement.json?.license === json.license;
    ctx.check("same licence", same ? null : "a resend of the order must answer the same instanceId and licence (docs/marketplace/license.md §4)");
    await ctx.exchange("refreshLicense", v1Request(t, "refreshLicense", { instanceId, orderId: newOrderLine().orderId, expireTime: expireIn(365) }), "000000", "renewal");
    await ctx.exchange("expireLicense", v1Request(t, "expireLicense", { instanceId, orderId }), "000000");
    await ctx.exchange("releaseLicense", v1Request(t, "releaseLicense", { instanceId, orderId }), "000000");
    await ctx.exchange("releaseLicense", v1Request(t, "releaseLicense", { instanceId, orderId }), "000000", "resent: must succeed again");
  },
};
