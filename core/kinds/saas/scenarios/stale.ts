/**
 * Timestamps outside the 60 s window, in the past and in the future: a correct server refuses both
 * with 000002 (docs/marketplace/saas.md §2.1, §6). Then the same call with a fresh timestamp, which must be accepted,
 * shows the refusals came from the timestamp and not from the key.
 */
import { newBusinessId, newInstanceBody, newOrderLine } from "../../../simulation/bodies.js";
import { basicRequest } from "../../../simulation/requests/basic.js";
import { ScenarioUsageError, type Scenario } from "../../../simulation/scenario.js";
import { forSaas } from "./requirements.js";

export const stale: Scenario = {
  name: "stale",
  summary: "timestamps outside the 60 s window (past and future): must be refused 000002",
  ...forSaas("v2"),
  options: { skew: { type: "string", description: "how far outside, in seconds", default: "300" } },
  async run(ctx) {
    const skew = Number(ctx.option("skew"));
    if (!Number.isInteger(skew) || skew <= 60) throw new ScenarioUsageError("--skew must be a whole number of seconds above 60");
    const t = ctx.target;
    const body = () => newInstanceBody({ ...newOrderLine(), businessId: newBusinessId(), testFlag: t.testFlag });
    await ctx.exchange("newInstance", basicRequest(t, body(), { timestamp: String(ctx.now() - skew * 1000) }), "000002", `timestamp ${skew} s old`);
    await ctx.exchange("newInstance", basicRequest(t, body(), { timestamp: String(ctx.now() + skew * 1000) }), "000002", `timestamp ${skew} s ahead`);
    await ctx.exchange("newInstance", basicRequest(t, body()), "000000", "control: timestamp now");
  },
};
