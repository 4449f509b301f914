/**
 * `api-call` and `agent-call`: the gateways' calls to an API listing's backend (docs/marketplace/
 * docs/marketplace/api-image-openapi.md §6.3, §6.4) — one correctly signed call, which must get through (any status
 * but 401 and 429), then the calls a backend must refuse with 401: (APIG) the same call again, a replay
 * of a signature over X-Request-Id; a wrong secret, a date or token too old, and (APIG) a body changed
 * after signing.
 */
import type { ApiProduct } from "../product.js";
import type { ProductBase } from "../../../products/definition.js";
import type { Expectation } from "../../../simulation/judge.js";
import { agentRequest, apigRequest, type GatewayRequestOptions } from "./gateway-request.js";
import type { Scenario, ScenarioContext } from "../../../simulation/scenario.js";
import type { SimTarget } from "../../../simulation/target.js";
import type { WireRequest } from "../../../simulation/wire.js";

const through: Expectation = {
  codes: [],
  httpStatus: (s) => (s === 401 || s === 429 || s === 0 || s >= 500 ? `HTTP ${s}: a correctly signed gateway call must reach the backend` : null),
};
const refused: Expectation = { codes: [], httpStatus: (s) => (s === 401 ? null : `HTTP ${s}, expected 401: the backend must refuse it`) };

const OPTIONS = {
  path: { type: "string", description: "the sub-path called after /api/<id>", default: "/" },
  method: { type: "string", description: "the HTTP method", default: "POST" },
  body: { type: "string", description: "the request body", default: '{"input":"hello from the simulator"}' },
} as const;

function forAuth(auth: ApiProduct["auth"]): Pick<Scenario, "kind" | "needs" | "fits" | "options"> {
  return {
    kind: "api",
    needs: `auth: ${auth}`,
    fits: (product: ProductBase) => ((product as ApiProduct).auth === auth ? null : `is for auth: ${auth} listings; ${product.id} uses ${(product as ApiProduct).auth}`),
    options: OPTIONS,
  };
}

type Build = (target: SimTarget, o: GatewayRequestOptions) => WireRequest;

/** `replay`: send the correctly signed call a second time, which must be refused (APIG, §6.3) */
async function play(ctx: ScenarioContext, build: Build, cases: Array<[string, Partial<GatewayRequestOptions>]>, replay = false): Promise<void> {
  const base: GatewayRequestOptions = { method: ctx.option("method")!.toUpperCase(), path: ctx.option("path")!, body: ctx.option("body") };
  if (base.method === "GET" || base.method === "HEAD") base.body = undefined;
  const valid = build(ctx.target, base);
  await ctx.exchange("call", valid, through, "correctly signed");
  if (replay) await ctx.exchange("call", valid, refused, "the same call again (a replay)");
  for (const [label, change] of cases) await ctx.exchange("call", build(ctx.target, { ...base, ...change }), refused, label);
}

export const apiCall: Scenario = {
  name: "api-call",
  summary: "APIG's signed backend calls (SDK-HMAC-SHA256): valid, replayed, wrong secret, stale date, tampered body",
  ...forAuth("apig-signature"),
  run: (ctx) =>
    play(ctx, apigRequest, [
      ["wrong secret", { secret: "not-the-signature-secret" }],
      ["X-Sdk-Date 16 minutes old", { nowMs: ctx.now() - 16 * 60_000 }],
      ["body changed after signing", { body: '{"n":1}', bodyAfterSigning: '{"n":2}' }],
    ], true),
};

export const agentCall: Scenario = {
  name: "agent-call",
  summary: "the Agents gateway's calls with an HS256 JWT: valid, wrong secret, expired token",
  ...forAuth("agents-jwt"),
  run: (ctx) =>
    play(ctx, agentRequest, [
      ["wrong secret", { secret: "not-the-app-secret" }],
      ["token expired (6 minutes old)", { nowMs: ctx.now() - 6 * 60_000 }],
    ]),
};
