/**
 * A whole subscription as KooGallery drives it: purchase → query until the credentials appear →
 * renewal → freeze (expiry) → unfreeze (renewed late) → upgrade → release, and the release resent
 * (a repeat must succeed, docs/marketplace/saas.md §4.5).
 */
import { expireIn, newOrderLine, refreshInstanceBody, releaseInstanceBody, updateInstanceStatusBody, upgradeInstanceBody } from "../../../simulation/bodies.js";
import { basicRequest } from "../../../simulation/requests/basic.js";
import type { Scenario } from "../../../simulation/scenario.js";
import { awaitCredentials, purchase } from "../../../simulation/scenarios/purchase.js";
import { forSaas } from "./requirements.js";

export const lifecycle: Scenario = {
  name: "lifecycle",
  summary: "purchase, credentials, renew, freeze, unfreeze, upgrade, release",
  ...forSaas("v2"),
  async run(ctx) {
    const t = ctx.target;
    const testFlag = t.testFlag;
    const { instanceId } = await purchase(ctx);
    await awaitCredentials(ctx, instanceId);
    const renewal = newOrderLine();
    await ctx.exchange(
      "refreshInstance",
      basicRequest(t, refreshInstanceBody({ scene: "RENEWAL", ...renewal, instanceId, expireTime: expireIn(730), testFlag })),
      "000000",
      "RENEWAL",
    );
    await ctx.exchange("updateInstanceStatus", basicRequest(t, updateInstanceStatusBody({ instanceId, status: "FREEZE", testFlag })), "000000", "FREEZE");
    await ctx.exchange("updateInstanceStatus", basicRequest(t, updateInstanceStatusBody({ instanceId, status: "UNFREEZE", testFlag })), "000000", "UNFREEZE");
    await ctx.exchange("upgradeInstance", basicRequest(t, upgradeInstanceBody({ instanceId, ...newOrderLine(), testFlag })), "000000");
    const release = releaseInstanceBody({ instanceId, testFlag });
    await ctx.exchange("releaseInstance", basicRequest(t, release), "000000");
    await ctx.exchange("releaseInstance", basicRequest(t, release), "000000", "resent: must succeed again");
  },
};
