/**
 * The `Body-Sign` response header (docs/marketplace/saas.md §3, docs/marketplace/vectors.md §3):
 *
 *   Body-Sign: sign_type="HMAC-SHA256", signature= "<base64 HMAC-SHA256(accessKey, exact body bytes)>"
 *
 * Mandatory in 1.0; for 2.0 it is UNCONFIRMED whether KooGallery checks it (docs/marketplace/saas.md §3, §11.3), so
 * koogate sends it on every answer (harmless if ignored). The space after `signature=` follows the
 * documented example and Huawei's samples; `verifyBodySign` accepts the form without the space too.
 */
import { createHmac } from "node:crypto";
import { safeEqual } from "./compare.js";

export const BODY_SIGN_HEADER = "Body-Sign";

/** base64 HMAC-SHA256 of the exact body bytes. */
export function bodySignature(accessKey: string, body: string | Buffer): string {
  return createHmac("sha256", accessKey).update(body).digest("base64");
}

/** The header value for `body`, signed with `accessKey`. */
export function signBody(accessKey: string, body: string | Buffer): string {
  return `sign_type="HMAC-SHA256", signature= "${bodySignature(accessKey, body)}"`;
}

/** Why a Body-Sign header was refused; null when it verified. */
export type BodySignProblem = "missing" | "malformed" | "mismatch";

/**
 * Checks a `Body-Sign` header against the exact body bytes received, as the marketplace would.
 * @param keys every key the signer may have used, the current one first
 */
export function verifyBodySign(
  header: string | null | undefined,
  body: string | Buffer,
  keys: readonly string[],
): BodySignProblem | null {
  if (!header) return "missing";
  const m = /^\s*sign_type\s*=\s*"HMAC-SHA256"\s*,\s*signature\s*=\s*"([A-Za-z0-9+/=]+)"\s*$/.exec(header);
  if (!m) return "malformed";
  return keys.some((k) => safeEqual(bodySignature(k, body), m[1]!)) ? null : "mismatch";
}
