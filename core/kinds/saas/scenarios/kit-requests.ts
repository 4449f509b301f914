/**
 * Requests of the joint-operation sync interface, signed as KooGallery signs them (docs/marketplace/saas.md §2.2): POST
 * JSON to `<production URL>/produceAPI/v2/<sync>` with `x-sign`, `x-timestamp` (ms) and `x-nonce`
 * headers made with the product's kit key.
 *
 * The headers come from core/signing/kit.ts `signKitRequest`, the module the server verifies with.
 */
import { signKitRequest } from "../../../signing/kit.js";
import type { JointSync } from "../vocabulary.js";
import type { SimTarget } from "../../../simulation/target.js";
import type { WireRequest } from "../../../simulation/wire.js";

export interface KitRequestOptions {
  /** default: 32 random bytes as upper-case hex */
  nonce?: string;
  /** the `x-timestamp` header; default now, in ms */
  timestamp?: string;
}

/**
 * Serialises `body` once and signs it with the current kit key. The answer's Body-Sign is expected
 * with the kit key too: which key KooGallery checks a sync answer with is UNCONFIRMED (docs/marketplace/saas.md §3,
 * §11.9); koogate signs sync answers with the kit key (server/app.ts).
 */
export function kitRequest(target: SimTarget, sync: JointSync, body: Record<string, unknown>, opts: KitRequestOptions = {}): WireRequest {
  const kitKeys = target.product.keys.kit;
  if (kitKeys.length === 0) throw new Error(`${target.product.id} has no kit key: joint-operation sync needs keys.kit`);
  const text = JSON.stringify(body);
  const headers = signKitRequest({ kitKey: kitKeys[0]!, body: text, nonce: opts.nonce, timestamp: opts.timestamp });
  return {
    method: "POST",
    url: `${target.productionUrl}/produceAPI/v2/${sync}`,
    headers: { "content-type": "application/json;charset=utf8", ...headers },
    body: Buffer.from(text, "utf8"),
    replyKeys: kitKeys,
  };
}
