/**
 * Requests of the SaaS 2.0 basic interface, signed as KooGallery signs them (docs/marketplace/saas.md §2.1): POST JSON
 * to the production URL with `signature`, `timestamp` (ms) and `nonce` appended to the query string.
 *
 * The signature comes from core/signing/basic.ts `signBasicRequest`, the module the server verifies
 * with: one implementation of the scheme, so a fix lands in the server and the simulator at once.
 */
import { signBasicRequest } from "../../signing/basic.js";
import type { SimTarget } from "../target.js";
import type { WireRequest } from "../wire.js";

export interface BasicRequestOptions {
  /** default: 32 random bytes as upper-case hex, like the documented examples */
  nonce?: string;
  /** the `timestamp` parameter; default now, in ms. A stale value makes a `stale` request. */
  timestamp?: string;
  /**
   * which of the product's key types signs: `basic` (default); a kind's scenarios name their own (the
   * authorization-code calls, docs/marketplace/license.md §1), `general` for the order notification
   * (docs/marketplace/api-image-openapi.md §5)
   */
  keyType?: keyof SimTarget["product"]["keys"];
}

/**
 * Serialises `body` once (compact JSON, fields in the order given: the order of the spec's tables,
 * which is not sorted, so the server's canonical-form check is exercised as the real marketplace
 * exercises it) and signs those bytes.
 */
export function basicRequest(target: SimTarget, body: Record<string, unknown>, opts: BasicRequestOptions = {}): WireRequest {
  const text = JSON.stringify(body);
  const accessKey = target.product.keys[opts.keyType ?? "basic"][0]!;
  const signed = signBasicRequest({ accessKey, body: text, nonce: opts.nonce, timestamp: opts.timestamp });
  return {
    method: "POST",
    url: `${target.productionUrl}?${signed.query}`,
    headers: { "content-type": "application/json;charset=utf8" },
    body: Buffer.from(text, "utf8"),
    replyKeys: [accessKey],
  };
}
