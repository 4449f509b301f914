/**
 * A captured request sent again byte for byte, same nonce and signature: a correct server refuses it
 * with 000001 (docs/marketplace/saas.md §2.1: cache nonces to reject replays).
 */
import { newBusinessId, newInstanceBody, newOrderLine } from "../../../simulation/bodies.js";
import { basicRequest } from "../../../simulation/requests/basic.js";
import type { Scenario } from "../../../simulation/scenario.js";
import { forSaas } from "./requirements.js";

export const replay: Scenario = {
  name: "replay",
  summary: "a request sent again byte for byte (same nonce): must be refused 000001",
  ...forSaas("v2"),
  async run(ctx) {
    const captured = basicRequest(ctx.target, newInstanceBody({ ...newOrderLine(), businessId: newBusinessId(), testFlag: ctx.target.testFlag }));
    await ctx.exchange("newInstance", captured, "000000", "original");
    await ctx.exchange("newInstance", captured, "000001", "replayed: same bytes, same nonce");
  },
};
