/**
 * The pay-per-use usage push's own signature (docs/marketplace/api-image-openapi.md §4,
 * docs/marketplace/saas.md §8.1, vector in docs/marketplace/api-image-openapi.md §10.2): three headers,
 *
 *   ts        = Unix time in ms
 *   nonce     = a random string (≤ 64)
 *   signature = Base64(HMAC-SHA256(basic key, "ts={ts}&nonce={nonce}&body={body}"))
 *
 * where the key is the listing's merchant key bound to the basic interface, and the body is "naturally
 * sorted" before signing. UNCONFIRMED (§11.4): what "naturally sorted" means. The reading taken is the
 * one of the §10.2 vector: compact JSON with the keys sorted ascending at every level. The body is
 * signed, and verified, exactly as sent: `usagePushBody` makes those bytes, so what is signed is sent.
 *
 * `signUsagePush` is the only place the signed string is built; `verifyUsagePush` recomputes through it.
 */
import { createHmac, randomUUID } from "node:crypto";
import { canonicalJson } from "./canonical.js";
import { safeEqual } from "./compare.js";
import { SignatureError } from "./signature-error.js";
import type { LowerCaseHeaders } from "./apig.js";
import { checkWindow } from "./window.js";

/** UNCONFIRMED: the marketplace documents no window for `ts`; the API gateway's 15 minutes is taken. */
export const DEFAULT_USAGE_PUSH_TOLERANCE_MS = 15 * 60_000;

/** The compact JSON of `body` with the keys of every object sorted ascending (§10.2). */
export function usagePushBody(body: object): string {
  return canonicalJson(JSON.stringify(body), "canonical-deep");
}

export interface UsagePushSignInput {
  /** the listing's basic-interface key */
  key: string;
  /** the `ts` header: Unix ms, as sent */
  ts: string;
  nonce: string;
  /** the exact body as sent */
  body: string | Buffer;
}

/** The Base64 `signature` header. */
export function signUsagePush({ key, ts, nonce, body }: UsagePushSignInput): string {
  return createHmac("sha256", key).update(`ts=${ts}&nonce=${nonce}&body=`).update(body).digest("base64");
}

export interface UsagePushHeaders {
  signature: string;
  ts: string;
  nonce: string;
}

/** Signs a push: a fresh UUID nonce and the current time unless given. */
export function signUsagePushRequest(opts: {
  key: string;
  /** the exact body that will be sent, best made by `usagePushBody` */
  body: string;
  /** default: the current time in ms */
  ts?: string;
  /** default: a random UUID, like the documented example */
  nonce?: string;
}): UsagePushHeaders {
  const ts = opts.ts ?? String(Date.now());
  const nonce = opts.nonce ?? randomUUID();
  return { signature: signUsagePush({ key: opts.key, ts, nonce, body: opts.body }), ts, nonce };
}

export interface UsagePushVerifyInput {
  headers: LowerCaseHeaders;
  /** the exact body bytes received */
  body: Buffer;
  /** every basic key the push may be signed with */
  keys: readonly string[];
  nowMs: number;
  /** allowed skew of `ts` either way; default 15 min (UNCONFIRMED). Must be positive. */
  toleranceMs?: number;
}

/**
 * Verifies a usage push on the exact bytes received.
 * @returns the index of the key that matched
 * @throws SignatureError missing-parameter (no ts or nonce), malformed (ts not ms, over-long nonce),
 *   stale, future, missing-signature, bad-signature
 */
export function verifyUsagePush(input: UsagePushVerifyInput): { keyIndex: number; tsMs: number; nonce: string } {
  const one = (name: string) => {
    const v = input.headers[name];
    return typeof v === "string" && v !== "" ? v : undefined;
  };
  const ts = one("ts");
  const nonce = one("nonce");
  const signature = one("signature");
  if (ts === undefined || nonce === undefined) throw new SignatureError("missing-parameter", "the ts or nonce header is missing");
  if (!/^\d{13}$/.test(ts)) throw new SignatureError("malformed", "ts is not a time in milliseconds");
  if (nonce.length > 64) throw new SignatureError("malformed", "nonce is longer than 64 characters");
  const tsMs = Number(ts);
  checkWindow(tsMs, input.nowMs, input.toleranceMs ?? DEFAULT_USAGE_PUSH_TOLERANCE_MS);
  if (signature === undefined) throw new SignatureError("missing-signature", "the signature header is missing");
  const keyIndex = input.keys.findIndex((key) => safeEqual(signUsagePush({ key, ts, nonce, body: input.body }), signature));
  if (keyIndex < 0) throw new SignatureError("bad-signature", "the signature does not match the body with any key");
  return { keyIndex, tsMs, nonce };
}
