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
import { SignatureError } from "./signature-error.js";

export const BODY_SIGN_HEADER = "Body-Sign";

/** base64 HMAC-SHA256 of the exact body bytes. */
export function bodySignature(accessKey: string, body: string | Buffer): string {
  return createHmac("sha256", accessKey).update(body).digest("base64");
}

/** The header value for `body`, signed with `accessKey`. */
export function signBody(accessKey: string, body: string | Buffer): string {
  return `sign_type="HMAC-SHA256", signature= "${bodySignature(accessKey, body)}"`;
}

/**
 * Checks a `Body-Sign` header against the exact body bytes received, as the marketplace would.
 * @param keys every key the signer may have used, the current one first
 * @returns the index in `keys` of the key that signed the body
 * @throws SignatureError `missing-signature` (no header), `malformed` (not `sign_type="HMAC-SHA256",
 *   signature="…"`) or `bad-signature` (no key signed these bytes)
 */
export function verifyBodySign(header: string | null | undefined, body: string | Buffer, keys: readonly string[]): number {
  if (!header) throw new SignatureError("missing-signature", "no Body-Sign header");
  const m = /^\s*sign_type\s*=\s*"HMAC-SHA256"\s*,\s*signature\s*=\s*"([A-Za-z0-9+/=]+)"\s*$/.exec(header);
  if (!m) throw new SignatureError("malformed", 'Body-Sign is not sign_type="HMAC-SHA256", signature="…"');
  const index = keys.findIndex((k) => safeEqual(bodySignature(k, body), m[1]!));
  if (index < 0) throw new SignatureError("bad-signature", "Body-Sign does not verify over the exact bytes received");
  return index;
}
