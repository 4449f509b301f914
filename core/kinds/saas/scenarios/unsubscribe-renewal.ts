/**
 * A renewal, then that renewal period unsubscribed: refreshInstance RENEWAL moves the expiry forward,
 * UNSUBSCRIBE_RENEWAL_PERIOD with the same renewal order moves it back (docs/marketplace/saas.md §4.3).
 */
import { expireIn, newOrderLine, refreshInstanceBody } from "../../../simulation/bodies.js";
import { basicRequest } from "../../../simulation/requests/basic.js";
import type { Scenario } from "../../../simulation/scenario.js";
import { purchase } from "../../../simulation/scenarios/purchase.js";
import { forSaas } from "./requirements.js";

export const unsubscribeRenewal: Scenario = {
  name: "unsubscribe-renewal",
  summary: "purchase, renew, then unsubscribe the renewal period",
  ...forSaas("v2"),
  async run(ctx) {
    const t = ctx.target;
    const { instanceId } = await purchase(ctx);
    const renewal = newOrderLine();
    const renew = refreshInstanceBody({ scene: "RENEWAL", ...renewal, instanceId, expireTime: expireIn(730), testFlag: t.testFlag });
    await ctx.exchange("refreshInstance", basicRequest(t, renew), "000000", "RENEWAL");
    const back = refreshInstanceBody({ scene: "UNSUBSCRIBE_RENEWAL_PERIOD", ...renewal, instanceId, expireTime: expireIn(365), testFlag: t.testFlag });
    await ctx.exchange("refreshInstance", basicRequest(t, back), "000000", "UNSUBSCRIBE_RENEWAL_PERIOD");
  },
};
