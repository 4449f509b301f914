/**
 * A request with one body byte changed after signing: a correct server refuses it with 000001
 * (docs/marketplace/saas.md §2.1). Then the untouched request, freshly signed, which must be accepted, shows the refusal
 * came from the changed byte.
 */
import { newBusinessId, newInstanceBody, newOrderLine } from "../../../simulation/bodies.js";
import { basicRequest } from "../../../simulation/requests/basic.js";
import type { Scenario } from "../../../simulation/scenario.js";
import { tamperOneByte } from "../../../simulation/wire.js";
import { forSaas } from "./requirements.js";

export const tamper: Scenario = {
  name: "tamper",
  summary: "one body byte changed after signing: must be refused 000001",
  ...forSaas("v2"),
  async run(ctx) {
    const body = newInstanceBody({ ...newOrderLine(), businessId: newBusinessId(), testFlag: ctx.target.testFlag });
    await ctx.exchange("newInstance", tamperOneByte(basicRequest(ctx.target, body)), "000001", "one byte changed after signing");
    await ctx.exchange("newInstance", basicRequest(ctx.target, body), "000000", "control: the same body, untouched");
  },
};
