/**
 * What the interfaces signed with the 2.0 basic scheme (`signature`/`timestamp`/`nonce` in the query,
 * docs/marketplace/saas.md §2.1) verify the same way: the SaaS 2.0 interface, the licence-code
 * interface and order notification differ only in which of the product's keys sign their calls.
 */
import { verifyBasic } from "../signing/basic.js";
import { DEFAULT_TOLERANCE_MS } from "../signing/timestamp.js";
import type { Incoming, Verified } from "./pipeline.js";

/**
 * Verifies a basic-signed call with `keys` (the current one first). The answer is signed with the
 * current key; the nonce is remembered for as long as its timestamp stays inside the window.
 * @param keyName names the key type in the log line when it is not the basic key ("general key")
 * @throws SignatureError
 */
export function verifyBasicCall(input: Incoming, keys: readonly string[], keyName?: string): Verified {
  const v = verifyBasic({ rawBody: input.rawBody, query: input.query, keys, nowMs: input.nowMs });
  const key = keyName ? `${keyName} ` : "";
  return {
    keyIndex: 0,
    nonce: { value: v.nonce, expiresAt: v.timestampMs + DEFAULT_TOLERANCE_MS + 1000 },
    // which payload form (raw bytes, canonical, canonical-deep) and which rotated key matched
    signed: v.keyIndex > 0 ? `${v.form}, ${key}key #${v.keyIndex}` : keyName ? `${v.form}, ${keyName}` : v.form,
  };
}
