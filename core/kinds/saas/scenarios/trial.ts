/** A trial purchase, then its conversion to a paid order: refreshInstance TRIAL_TO_FORMAL (docs/marketplace/saas.md §4.3). */
import { expireIn, newOrderLine, refreshInstanceBody } from "../../../simulation/bodies.js";
import { basicRequest } from "../../../simulation/requests/basic.js";
import type { Scenario } from "../../../simulation/scenario.js";
import { awaitCredentials, purchase } from "../../../simulation/scenarios/purchase.js";
import { forSaas } from "./requirements.js";

export const trial: Scenario = {
  name: "trial",
  summary: "trial purchase, then TRIAL_TO_FORMAL with the paid order",
  ...forSaas("v2"),
  options: { "product-id": { type: "string", description: "the paid productId sent with the conversion (optional)" } },
  async run(ctx) {
    const t = ctx.target;
    // In 2.0 a trial is an ordinary newInstance; the order itself says it is a trial (docs/marketplace/saas.md §4.1).
    const { instanceId } = await purchase(ctx, "trial order");
    await awaitCredentials(ctx, instanceId);
    const paid = newOrderLine();
    const body = refreshInstanceBody({
      scene: "TRIAL_TO_FORMAL",
      ...paid,
      instanceId,
      productId: ctx.option("product-id"),
      expireTime: expireIn(365),
      testFlag: t.testFlag,
    });
    await ctx.exchange("refreshInstance", basicRequest(t, body), "000000", "TRIAL_TO_FORMAL");
  },
};
