/**
 * A whole subscription on a 1.0 (legacy GET) listing, as KooGallery drives it (docs/marketplace/saas.md §9):
 * newInstance → the same order resent (a new businessId, the same instanceId answered) → queryInstance →
 * refreshInstance → expireInstance (freeze) → instanceStatus NORMAL (unfreeze) → upgrade →
 * releaseInstance → the release resent (must succeed again). Every answer must carry a Body-Sign over
 * its exact bytes (mandatory in 1.0, docs/marketplace/saas.md §3); the newInstance answers must carry the instanceId in
 * clear, the product's encryptType and appInfo whose userName/password decrypt (docs/marketplace/saas.md §7).
 */
import { randomUUID } from "node:crypto";
import { expireIn, newOrderLine } from "../../../simulation/bodies.js";
import { v1Request } from "../../../simulation/requests/v1.js";
import { ScenarioAbort, type Scenario } from "../../../simulation/scenario.js";
import { forSaas, saasProduct } from "./requirements.js";
import { encryptedAppInfo } from "./answers.js";

/** The product a 1.0 order names; its newInstance is idempotent per order and product (docs/marketplace/saas.md §9). */
const PRODUCT_ID = "00301-666666-0--0";

export const v1Lifecycle: Scenario = {
  name: "v1-lifecycle",
  summary: "1.0 GET: purchase, resend, query, renew, expire, unfreeze, upgrade, release",
  ...forSaas("v1"),
  async run(ctx) {
    const t = ctx.target;
    const checks = [encryptedAppInfo(saasProduct(t).encryptType)];
    const { orderId } = newOrderLine();
    const purchase = (businessId: string) =>
      v1Request(t, "newInstance", { businessId, orderId, productId: PRODUCT_ID, customerId: "68cbc86abc2018ab880d92f36422fa0e", expireTime: expireIn(365) });

    const first = await ctx.exchange("newInstance", purchase(randomUUID()), { codes: ["000000"], checks });
    const instanceId = first.judgement.instanceId;
    if (!instanceId) throw new ScenarioAbort("newInstance answered no instanceId: nothing to act on");
    await ctx.exchange("newInstance", purchase(randomUUID()), { codes: ["000000"], instanceId, checks }, "the same order resent (new businessId)");
    await ctx.exchange("queryInstance", v1Request(t, "queryInstance", { instanceId }), { codes: ["000000"], instanceInInfo: instanceId });
    await ctx.exchange("refreshInstance", v1Request(t, "refreshInstance", { instanceId, orderId: newOrderLine().orderId, productId: PRODUCT_ID, expireTime: expireIn(730) }), "000000", "renewal");
    await ctx.exchange("expireInstance", v1Request(t, "expireInstance", { instanceId, orderId }), "000000", "freeze");
    await ctx.exchange("instanceStatus", v1Request(t, "instanceStatus", { instanceId, instanceStatus: "NORMAL" }), "000000", "NORMAL: unfreeze");
    await ctx.exchange("upgrade", v1Request(t, "upgrade", { instanceId, orderId: newOrderLine().orderId, productId: PRODUCT_ID, skuCode: "sku-2" }), "000000");
    await ctx.exchange("releaseInstance", v1Request(t, "releaseInstance", { instanceId, orderId }), "000000");
    await ctx.exchange("releaseInstance", v1Request(t, "releaseInstance", { instanceId, orderId }), "000000", "resent: must succeed again");
  },
};
