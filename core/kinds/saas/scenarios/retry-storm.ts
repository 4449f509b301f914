/**
 * The marketplace's resends (docs/marketplace/saas.md §4.1: at-least-once delivery): one order line delivered N times at
 * once and then N times one after another, each delivery with a new businessId and nonce. Every answer
 * must name the same instanceId, and all answers must be the same bytes.
 */
import { newBusinessId, newInstanceBody, newOrderLine } from "../../../simulation/bodies.js";
import { basicRequest } from "../../../simulation/requests/basic.js";
import { ScenarioUsageError, type Exchanged, type Scenario } from "../../../simulation/scenario.js";
import { forSaas } from "./requirements.js";

export const retryStorm: Scenario = {
  name: "retry-storm",
  summary: "one order delivered N times concurrently and N times in sequence",
  ...forSaas("v2"),
  options: { count: { type: "string", description: "deliveries in each wave", default: "5" } },
  async run(ctx) {
    const count = Number(ctx.option("count"));
    if (!Number.isInteger(count) || count < 1 || count > 100) throw new ScenarioUsageError("--count must be a whole number from 1 to 100");
    const line = newOrderLine();
    const delivery = () => basicRequest(ctx.target, newInstanceBody({ ...line, businessId: newBusinessId(), testFlag: ctx.target.testFlag }));
    const concurrent = await Promise.all(
      Array.from({ length: count }, (_, i) => ctx.exchange("newInstance", delivery(), "000000", `delivery ${i + 1}/${count}, concurrent`)),
    );
    // From here on, every answer must name the instance the first wave settled on.
    const first = concurrent.find((x) => x.judgement.instanceId)?.judgement.instanceId;
    const sequential: Exchanged[] = [];
    for (let i = 0; i < count; i++) {
      sequential.push(await ctx.exchange("newInstance", delivery(), { codes: ["000000"], instanceId: first }, `delivery ${i + 1}/${count}, in sequence`));
    }
    const all = [...concurrent, ...sequential];
    const ids = new Set(all.map((x) => x.judgement.instanceId ?? "(none)"));
    ctx.check(
      "same instanceId",
      ids.size === 1 && !ids.has("(none)") ? null : `${ids.size} different instanceIds over ${all.length} deliveries: ${[...ids].slice(0, 3).join(", ")}`,
      `${all.length} deliveries → ${[...ids][0]}`,
    );
    const bodies = new Set(all.map((x) => x.reply.bytes.toString("base64")));
    ctx.check(
      "identical bodies",
      bodies.size === 1 ? null : `${bodies.size} different answer bodies over ${all.length} deliveries (a resend must get the first answer's bytes)`,
      `${all.length} answers, ${bodies.size} distinct`,
    );
  },
};
