/**
 * Usage in real time (docs/marketplace/lifecycle.md "Usage in real time"; saas.md §4.2): a metered
 * listing's queryInstance, asked right after the purchase — before any usage window has closed —
 * must answer a usageInfo item with the usage, and say whether it is the backend's real-time figure
 * or what was recorded so far.
 */
import { queryInstanceBody } from "../bodies.js";
import { basicRequest } from "../requests/basic.js";
import type { Scenario, ScenarioContext } from "../scenario.js";
import { purchase } from "./purchase.js";

async function run(ctx: ScenarioContext): Promise<void> {
  const { instanceId } = await purchase(ctx);
  const r = await ctx.exchange("queryInstance", basicRequest(ctx.target, queryInstanceBody({ instanceId, testFlag: ctx.target.testFlag })), "000000", "before the first usage window");
  const info = (r.judgement.json?.info as Array<Record<string, unknown>> | undefined)?.find((i) => i.instanceId === instanceId);
  const usage = (info?.usageInfo as Array<Record<string, unknown>> | undefined)?.[0];
  const problem = !info
    ? "queryInstance answered nothing for the instance just bought (is it still provisioning?)"
    : !usage
      ? "no usageInfo: an on-demand or package listing must answer its usage in real time (docs/marketplace/saas.md §4.2)"
      : typeof usage.usageValue !== "number"
        ? "usageInfo carries no numeric usageValue"
        : null;
  ctx.check("usage now", problem, usage ? `usageValue ${String(usage.usageValue)} (${String(usage.source ?? "source not said")})${usage.remainingValue !== undefined ? `, ${String(usage.remainingValue)} left` : ""}` : undefined);
}

/** The scenario before a kind offers it: the kind adds its name for it, and which of its listings it fits (metered ones). */
export const usageNow: Omit<Scenario, "kind" | "needs" | "fits"> = {
  name: "usage-now",
  summary: "queryInstance right after a purchase answers the usage in real time",
  run,
};
