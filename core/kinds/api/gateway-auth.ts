/**
 * Whether a call really came through the gateway (docs/marketplace/api-image-openapi.md §6.3, §6.4):
 * one plain function over a request, usable without koogate's server (see ./middleware.ts), and the
 * one table from `SignatureError` reasons to the short 401 answer a refused call gets.
 */
import { DEFAULT_APIG_TOLERANCE_MS, verifyApigRequest, type LowerCaseHeaders } from "../../signing/apig.js";
import { verifyAgentJwt } from "../../signing/agents-jwt.js";
import { safeEqual } from "../../signing/compare.js";
import { SignatureError, type SignatureProblem } from "../../signing/signature-error.js";
import { assertNever } from "../../vocabulary.js";
import type { ApiAuthScheme } from "./vocabulary.js";

/** How one listing's gateway authenticates its calls, with the credentials resolved. */
export interface GatewayAuth {
  scheme: ApiAuthScheme;
  /** {key, secret} pairs (apig-signature, agents-jwt) or {secret} values (constant-header), several during a rotation */
  keys: ReadonlyArray<{ key?: string; secret: string }>;
  /** constant-header: the header name */
  header?: string;
  /** apig-signature: allowed skew of X-Sdk-Date; default 15 min (§2) */
  toleranceMs?: number;
}

/** A request as received: path and query exactly as sent, header names lower-case (Node's `req.headers`). */
export interface GatewayRequest {
  method: string;
  path: string;
  /** without `?`; "" when none */
  rawQuery: string;
  headers: LowerCaseHeaders;
  /** the exact body bytes; needed by apig-signature only (the signature covers them) */
  body?: Buffer;
}

/**
 * Who the gateway says is calling (headers the gateway adds, §6.4). An identity header counts only when
 * the call's authentication covers it: with apig-signature when `SignedHeaders` lists it; never with
 * agents-jwt (the token's claims name the APP Key and the time, not the buyer) nor constant-header
 * (a fixed secret binds nothing). Otherwise, or when absent, it is undefined: the buyer is unknown.
 */
export interface BuyerIdentity {
  /** `X-Request-Id`: the gateway's id of the call, as sent (not an identity: kept for correlation only) */
  requestId?: string;
  /** `X-Customer-Id`: the buyer's Huawei Cloud account ID, when signed */
  customerId?: string;
  /** `X-Customer-Name`: the buyer's account name, when signed (personal: never logged by koogate) */
  customerName?: string;
}

/** a validly signed call whose signature was already used (`GatewayVerdict.replayKey` claimed before) */
export const REPLAYED = "replayed";

/** Why a call was refused: its signature did not hold, or it was a replay. */
export type GatewayRefusal = SignatureProblem | typeof REPLAYED;

export type GatewayVerdict =
  | {
      ok: true;
      scheme: ApiAuthScheme;
      /** the AK / APP Key that signed, if the scheme has one */
      accessKey?: string;
      buyer: BuyerIdentity;
      /**
       * apig-signature over `X-Request-Id`: what makes the call unique (its signature, which every raw
       * variant of the request shares) and until when the date check would accept it again; claim it once
       * (koogate does, in its nonce store) to refuse replays within the window. Absent when the signature
       * covers no per-call value: a replay then cannot be told from a second identical call.
       */
      replayKey?: { value: string; expiresAt: number };
    }
  | { ok: false; status: 401; reason: GatewayRefusal; /** short, fixed, safe to send */ error: string; /** for the log line only */ detail?: string };

/** The answer text of each refusal reason: the one table (a refusal never says which key or value was wrong). */
export function refusalMessage(reason: GatewayRefusal): string {
  switch (reason) {
    case REPLAYED:
      return "gateway authentication already used";
    case "missing-signature":
      return "gateway authentication missing";
    case "missing-parameter":
    case "malformed":
      return "gateway authentication malformed";
    case "stale":
      return "gateway authentication expired";
    case "future":
      return "gateway authentication dated in the future";
    case "bad-signature":
      return "gateway authentication invalid";
    default:
      return assertNever(reason);
  }
}

/** A header's value, repeated ones joined, cut to `max` characters (these values end up in logs and rows). */
export function headerText(headers: LowerCaseHeaders, name: string, max = 128): string | undefined {
  const v = headers[name];
  const s = typeof v === "string" ? v : v === undefined ? undefined : v.join(",");
  return s === undefined || s === "" ? undefined : s.slice(0, max);
}

/** The buyer of a call: the identity headers among `signed` (lower-case names), the request id as sent. */
export function buyerOf(headers: LowerCaseHeaders, signed: readonly string[]): BuyerIdentity {
  const bound = (name: string, max: number) => (signed.includes(name) ? headerText(headers, name, max) : undefined);
  return { requestId: headerText(headers, "x-request-id", 64), customerId: bound("x-customer-id", 64), customerName: bound("x-customer-name", 128) };
}

/** The refused verdict of a replay (the scheme held, the signature had been used). */
export function replayed(): Extract<GatewayVerdict, { ok: false }> {
  return { ok: false, status: 401, reason: REPLAYED, error: refusalMessage(REPLAYED) };
}

/**
 * Checks one call. Never throws for bad input: a refusal is a verdict.
 * @param nowMs the verifier's clock; default now
 */
export function verifyGatewayCall(auth: GatewayAuth, req: GatewayRequest, nowMs = Date.now()): GatewayVerdict {
  try {
    const { accessKey, signed, replayKey } = check(auth, req, nowMs);
    return { ok: true, scheme: auth.scheme, accessKey, buyer: buyerOf(req.headers, signed), replayKey };
  } catch (e) {
    if (!(e instanceof SignatureError)) throw e;
    return { ok: false, status: 401, reason: e.reason, error: refusalMessage(e.reason), detail: e.detail ? `${e.message} (${e.detail})` : e.message };
  }
}

function secretOf(auth: GatewayAuth): (key: string) => string | undefined {
  return (key) => auth.keys.find((k) => k.key === key)?.secret;
}

/** What a scheme's check establishes: who signed, which headers it covers, how to recognise a replay. */
interface Checked {
  accessKey?: string;
  signed: readonly string[];
  replayKey?: { value: string; expiresAt: number };
}

function check(auth: GatewayAuth, req: GatewayRequest, nowMs: number): Checked {
  switch (auth.scheme) {
    case "apig-signature": {
      const toleranceMs = auth.toleranceMs ?? DEFAULT_APIG_TOLERANCE_MS;
      const v = verifyApigRequest({
        method: req.method,
        path: req.path,
        rawQuery: req.rawQuery,
        headers: req.headers,
        body: req.body ?? Buffer.alloc(0),
        keys: secretOf(auth),
        nowMs,
        toleranceMs,
      });
      // Only a signature over the gateway's per-call id tells a replay from a second identical call in
      // the same second (whether APIG signs X-Request-Id is UNCONFIRMED, docs/marketplace/api-image-openapi.md
      // §11.2). Past `sdkDate + tolerance` the date check refuses the signature anyway.
      const unique = v.signedHeaders.includes("x-request-id");
      return { accessKey: v.accessKey, signed: v.signedHeaders, replayKey: unique ? { value: v.signature, expiresAt: v.sdkDateMs + toleranceMs } : undefined };
    }
    case "agents-jwt":
      return { accessKey: verifyAgentJwt({ authorization: headerText(req.headers, "authorization", 16_384), keys: secretOf(auth), nowMs }).appKey, signed: [] };
    case "constant-header": {
      const sent = headerText(req.headers, auth.header ?? "", 4096);
      if (sent === undefined) throw new SignatureError("missing-signature", "the gateway's header is missing");
      // every active value is compared, so the time taken does not say which one came close
      let match = false;
      for (const k of auth.keys) match = safeEqual(sent, k.secret) || match;
      if (!match) throw new SignatureError("bad-signature", "the gateway's header does not match");
      return { signed: [] };
    }
    default:
      return assertNever(auth.scheme);
  }
}

/** Whether the scheme's check covers the body bytes (then they are read before the check). */
export function needsBody(scheme: ApiAuthScheme): boolean {
  return scheme === "apig-signature";
}

/** The header that carries the credential, which koogate does not forward upstream. */
export function credentialHeader(auth: Pick<GatewayAuth, "scheme" | "header">): string {
  return auth.scheme === "constant-header" ? auth.header ?? "" : "authorization";
}
