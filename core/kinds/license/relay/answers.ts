/**
 * What the licence relay answers the merchant's software: JSON, with an HTTP status that says what
 * happened, and for a marketplace failure a short sentence the software can show (docs/marketplace/license.md §2.3 error
 * table, read through core/marketplace/answers.ts). Never the marketplace's raw text, never a key.
 */
import type { MarketplaceFailure } from "../../../marketplace/answers.js";
import type { HttpAnswer } from "../../../serving/http.js";

export function json(status: number, body: object, headers?: Record<string, string>): HttpAnswer {
  return { status, headers, body: JSON.stringify(body) };
}

export function relayError(status: number, error: string, headers?: Record<string, string>): HttpAnswer {
  return json(status, { error }, headers);
}

/** A code that is real, but not one this listing sells (./product-match.ts): 403, whichever the reason. */
export function productRefusal(why: "other-product" | "other-sku" | "unconfirmed"): HttpAnswer {
  switch (why) {
    case "other-product":
      return relayError(403, "this code was bought for another product");
    case "other-sku":
      return relayError(403, "this code was bought for another specification (SKU) of the product");
    case "unconfirmed":
      return relayError(403, "the marketplace did not say which product this code was bought for: activate it through this service");
  }
}

/** A marketplace failure as the relay answers it. */
export function failureAnswer(f: MarketplaceFailure): HttpAnswer {
  switch (f.kind) {
    case "not-received":
      return relayError(409, "the buyer has not received this code yet: receive it in KooGallery first");
    case "not-found":
      return relayError(404, "unknown code");
    case "not-activated":
      return relayError(409, "the code is not activated yet: activate it first");
    case "illegal-state":
      return relayError(409, "the code cannot be activated in its current state");
    case "expired":
      return relayError(403, "the code has expired");
    case "denied":
      return relayError(403, "the marketplace denied this code");
    case "invalid":
      return relayError(400, "the marketplace refused the code as invalid");
    case "rate-limited":
      return relayError(503, "the licence service is busy; try again later", { "Retry-After": "60" });
    case "auth":
    case "forbidden":
      // the seller's credentials: the software can do nothing about it, the vendor can (logged in full)
      return relayError(502, "the licence service is misconfigured; contact the vendor");
    case "unavailable":
    case "unknown":
      return relayError(503, "the licence service cannot reach the marketplace; try again later", { "Retry-After": "60" });
  }
}
