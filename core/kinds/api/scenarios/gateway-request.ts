/**
 * Calls of an API listing's backend as the gateways make them (docs/marketplace/api-image-openapi.md
 * §6.3, §6.4): APIG's SDK-HMAC-SHA256 signature with the signature key, or the Agents gateway's HS256
 * JWT, each made with the core module the server verifies with. The gateway's buyer headers
 * (X-Request-Id, X-Customer-Id, X-Customer-Name) are added as the gateway adds them.
 */
import { randomUUID } from "node:crypto";
import type { ApiProduct } from "../product.js";
import { signAgentJwt } from "../../../signing/agents-jwt.js";
import { signApigRequest } from "../../../signing/apig.js";
import type { SimTarget } from "../../../simulation/target.js";
import type { WireRequest } from "../../../simulation/wire.js";

export interface GatewayRequestOptions {
  method: string;
  /** the sub-path after /api/<id>, starting with `/` */
  path: string;
  body?: string;
  /** sign with this secret instead of the product's (a wrong secret) */
  secret?: string;
  /** the signing time; default now */
  nowMs?: number;
  /** replace the body after signing (tampering) */
  bodyAfterSigning?: string;
}

function url(target: SimTarget, path: string): string {
  return `${target.baseUrl}/api/${target.product.id}${path}`;
}

const buyerHeaders = () => ({ "x-request-id": randomUUID(), "x-customer-id": "sim-buyer-0001", "x-customer-name": "sim_buyer" });

/** A call signed as APIG signs its backend calls: every header sent is signed. */
export function apigRequest(target: SimTarget, o: GatewayRequestOptions): WireRequest {
  const key = (target.product as ApiProduct).gatewayKeys[0]!;
  const headers: Record<string, string> = { "content-type": "application/json", ...buyerHeaders() };
  const body = o.body ?? "";
  const signed = signApigRequest({ method: o.method, url: url(target, o.path), headers, body, ak: key.key!, sk: o.secret ?? key.secret, date: o.nowMs === undefined ? undefined : new Date(o.nowMs) });
  const sent = o.bodyAfterSigning ?? o.body;
  return {
    method: o.method,
    url: url(target, o.path),
    headers: { ...headers, "X-Sdk-Date": signed["X-Sdk-Date"], Authorization: signed.Authorization },
    body: sent === undefined ? undefined : Buffer.from(sent, "utf8"),
    replyKeys: [],
  };
}

/** A call as the Agents gateway makes it: `Authorization: Bearer <HS256 JWT>`. */
export function agentRequest(target: SimTarget, o: GatewayRequestOptions): WireRequest {
  const key = (target.product as ApiProduct).gatewayKeys[0]!;
  const token = signAgentJwt({ appKey: key.key!, appSecret: o.secret ?? key.secret, nowMs: o.nowMs });
  const sent = o.bodyAfterSigning ?? o.body;
  return {
    method: o.method,
    url: url(target, o.path),
    headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...buyerHeaders() },
    body: sent === undefined ? undefined : Buffer.from(sent, "utf8"),
    replyKeys: [],
  };
}
