/**
 * Whether a code was bought for this listing (issue 24, finding 1): one seller's codes are all valid
 * at the marketplace, so a code of a cheap product would otherwise unlock a dear one. The code's product
 * comes from the marketplace (the activation answer's `product_id`; the query's when it carries one),
 * or from a signed `refreshLicenseCode`; its SKU from the purchase order (docs/marketplace/license.md §2.3).
 */
import type { RelaySettings } from "../product.js";

/** What a code was bought for, as far as koogate knows; null: not known. */
export interface Bought {
  productId: string | null;
  skuCode: string | null;
}

export type ProductVerdict = { ok: true } | { ok: false; why: "other-product" | "other-sku" | "unconfirmed" };

export function matchProduct(relay: Pick<RelaySettings, "productIds" | "skuCodes">, bought: Bought): ProductVerdict {
  if (bought.productId === null) return { ok: false, why: "unconfirmed" };
  if (!relay.productIds.includes(bought.productId)) return { ok: false, why: "other-product" };
  if (relay.skuCodes.length === 0) return { ok: true };
  if (bought.skuCode === null) return { ok: false, why: "unconfirmed" };
  return relay.skuCodes.includes(bought.skuCode) ? { ok: true } : { ok: false, why: "other-sku" };
}
