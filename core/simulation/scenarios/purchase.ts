/**
 * Steps several scenarios share: a purchase (newInstance) and the marketplace's polling of
 * queryInstance until the buyer's sign-in information appears (docs/marketplace/saas.md §4.1: provisioning may finish
 * after the answer; §4.2: KooGallery asks for the result).
 */
import { basicRequest } from "../requests/basic.js";
import { newBusinessId, newInstanceBody, newOrderLine, queryInstanceBody } from "../bodies.js";
import { ScenarioAbort, type ScenarioContext } from "../scenario.js";

/** How often, and how long, queryInstance is asked until credentials appear. */
export const POLL_INTERVAL_MS = 300;
export const POLL_LIMIT_MS = 15_000;

/** Buys a new order line; returns its instanceId. @throws ScenarioAbort when none was answered */
export async function purchase(ctx: ScenarioContext, label?: string): Promise<{ instanceId: string; orderId: string; orderLineId: string }> {
  const line = newOrderLine();
  const body = newInstanceBody({ ...line, businessId: newBusinessId(), testFlag: ctx.target.testFlag });
  const { judgement } = await ctx.exchange("newInstance", basicRequest(ctx.target, body), "000000", label);
  if (!judgement.instanceId) throw new ScenarioAbort("newInstance answered no instanceId: nothing to act on");
  return { instanceId: judgement.instanceId, ...line };
}

/** Asks queryInstance until `instanceId` has credentials; one step per question. */
export async function awaitCredentials(ctx: ScenarioContext, instanceId: string): Promise<void> {
  const until = ctx.now() + POLL_LIMIT_MS;
  for (let attempt = 1; ; attempt++) {
    const body = queryInstanceBody({ instanceId, testFlag: ctx.target.testFlag });
    const { step, judgement } = await ctx.exchange(
      "queryInstance",
      basicRequest(ctx.target, body),
      { codes: ["000000"], instanceInInfo: instanceId },
      attempt > 1 ? `poll ${attempt}` : undefined,
    );
    if (step.verdict === "FAIL" || judgement.withCredentials.includes(instanceId)) return;
    if (ctx.now() >= until) {
      ctx.check("credentials", `no sign-in information for ${instanceId} after ${POLL_LIMIT_MS} ms (docs/marketplace/saas.md §4.2)`);
      return;
    }
    step.note = "no credentials yet; asking again";
    await ctx.sleep(POLL_INTERVAL_MS);
  }
}
