/**
 * The Agents gateway's backend authentication (docs/marketplace/api-image-openapi.md §6.4): an HS256
 * JWT whose payload names the APP Key (`api_key`) and the signing time (`timestamp`, ms), valid five
 * minutes, signed with the APP Secret. `signAgentJwt` makes one as the gateway does (the simulator and
 * the tests); `verifyAgentJwt` checks one.
 *
 * UNCONFIRMED (§6.4, §11.1): which header carries the token and whether it has a `Bearer ` prefix;
 * `Authorization` with or without `Bearer ` is accepted. The claim names beyond `api_key` and
 * `timestamp` are not published: `exp` (seconds, as java-jwt writes it) and `nbf` are honoured when
 * present, and nothing depends on the header's other fields (`typ`, `sign_type`).
 */
import { createHmac } from "node:crypto";
import { safeEqual } from "./compare.js";
import { SignatureError } from "./signature-error.js";
import { checkWindow } from "./window.js";

/** A token is good for five minutes after its `timestamp` (§6.4). */
export const AGENT_JWT_VALIDITY_MS = 5 * 60_000;

/** The claims the gateway writes; others may be present. */
export interface AgentJwtClaims {
  /** the APP Key (AK) */
  api_key: string;
  /** when it was made, ms since the epoch */
  timestamp: number;
  /** expiry, seconds since the epoch */
  exp?: number;
  [claim: string]: unknown;
}

const b64 = (data: string | Buffer) => Buffer.from(data).toString("base64url");
const hmac = (secret: string, data: string) => createHmac("sha256", secret).update(data).digest("base64url");

export interface AgentJwtToSign {
  appKey: string;
  appSecret: string;
  /** the signing time; default now */
  nowMs?: number;
  /** extra or replacing claims (a test's expired `exp`) */
  claims?: Record<string, unknown>;
  /** the header; default `{"alg":"HS256","sign_type":"SIGN","typ":"JWT"}` as java-jwt writes the doc's sample */
  header?: Record<string, unknown>;
}

/** A token as the Agents gateway sends it: HS256 over `header.payload`, all base64url without padding. */
export function signAgentJwt(t: AgentJwtToSign): string {
  const now = t.nowMs ?? Date.now();
  const header = t.header ?? { alg: "HS256", sign_type: "SIGN", typ: "JWT" };
  const payload = { api_key: t.appKey, exp: Math.floor(now / 1000) + AGENT_JWT_VALIDITY_MS / 1000, timestamp: now, ...t.claims };
  const unsigned = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}`;
  return `${unsigned}.${hmac(t.appSecret, unsigned)}`;
}

export interface AgentJwtVerifyInput {
  /** the Authorization header's value: the token, with or without `Bearer ` */
  authorization: string | undefined;
  /** the APP Secret of each known APP Key */
  keys: ReadonlyMap<string, string> | ((appKey: string) => string | undefined);
  nowMs: number;
  /** how far `timestamp` may lie from now either way; default five minutes (§6.4). Must be positive. */
  validityMs?: number;
}

export interface AgentJwtVerified {
  appKey: string;
  timestampMs: number;
  claims: AgentJwtClaims;
}

const PART = /^[A-Za-z0-9_-]+$/;
/** HMAC-SHA256 is 32 bytes: 43 base64url characters */
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;

function decode(part: string, what: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    if (v !== null && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // refused below
  }
  throw new SignatureError("malformed", `the token's ${what} is not a JSON object`);
}

/**
 * Verifies an Agents-gateway token: HS256 only, the APP Secret of its `api_key`, compared in constant
 * time; then its time: `timestamp` within `validityMs` of now, `exp` not passed, `nbf` reached.
 * @throws SignatureError missing-signature (no token), malformed (not three base64url parts, not JSON,
 *   `alg` other than HS256, claims of the wrong type), missing-parameter (no `api_key` or `timestamp`),
 *   bad-signature (unknown APP Key, a signature that does not match), stale (expired, too old), future
 */
export function verifyAgentJwt(input: AgentJwtVerifyInput): AgentJwtVerified {
  const token = input.authorization?.trim().replace(/^Bearer(?:\s+|$)/i, "");
  if (!token) throw new SignatureError("missing-signature", "the token is missing");
  const parts = token.split(".");
  if (parts.length !== 3 || !PART.test(parts[0]!) || !PART.test(parts[1]!) || !SIGNATURE.test(parts[2]!)) {
    throw new SignatureError("malformed", "the token is not a signed JWT");
  }
  const [h, p, s] = parts as [string, string, string];
  // Only HS256: a token naming "none" or an asymmetric algorithm is never checked by another rule.
  if (decode(h, "header").alg !== "HS256") throw new SignatureError("malformed", "the token's alg is not HS256");
  const claims = decode(p, "payload");
  if (claims.api_key === undefined) throw new SignatureError("missing-parameter", "the token has no api_key");
  if (typeof claims.api_key !== "string") throw new SignatureError("malformed", "the token's api_key is not a string");
  const secret = typeof input.keys === "function" ? input.keys(claims.api_key) : input.keys.get(claims.api_key);
  if (secret === undefined) throw new SignatureError("bad-signature", "the token's signature does not match", "unknown APP Key");
  if (!safeEqual(hmac(secret, `${h}.${p}`), s)) throw new SignatureError("bad-signature", "the token's signature does not match");
  // time only once the claims are known to be the gateway's own
  if (claims.timestamp === undefined) throw new SignatureError("missing-parameter", "the token has no timestamp");
  for (const c of ["timestamp", "exp", "nbf"] as const) {
    if (claims[c] !== undefined && !Number.isFinite(claims[c])) throw new SignatureError("malformed", `the token's ${c} is not a number`);
  }
  const timestampMs = claims.timestamp as number;
  checkWindow(timestampMs, input.nowMs, input.validityMs ?? AGENT_JWT_VALIDITY_MS);
  if (typeof claims.exp === "number" && claims.exp * 1000 <= input.nowMs) throw new SignatureError("stale", "the token has expired");
  if (typeof claims.nbf === "number" && claims.nbf * 1000 > input.nowMs + AGENT_JWT_VALIDITY_MS) throw new SignatureError("future", "the token is not valid yet");
  return { appKey: claims.api_key, timestampMs, claims: claims as AgentJwtClaims };
}
