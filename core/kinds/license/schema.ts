/**
 * The fields a License definition adds to the common ones (core/products/schema.ts). The adapter-work
 * settings are the outbox's (core/outbox/provisioning.ts: the same outbox, the same deadline as SaaS).
 */
import { LICENSE_VARIANTS } from "./vocabulary.js";
import { PROVISIONING_SCHEMA } from "../../outbox/provisioning.js";
import { METERING_SCHEMA } from "../../metering/definition.js";
import { ORDER_NOTIFY_SCHEMA } from "../../orders/definition.js";

const limit = (description: string, maximum: number) => ({ description, type: "integer", minimum: 1, maximum });

export const LICENSE_SCHEMA = {
  properties: {
    "variant": {
      "description": "Which License delivery the listing uses (docs/marketplace/license.md §0): code = KooGallery's authorization codes (keys.license), online = online activation with getLicenseAsync (keys.basic), v1 = the legacy 1.0 getLicense GET (keys.basic).",
      "enum": LICENSE_VARIANTS
    },
    "provisioning": PROVISIONING_SCHEMA,
    // order notification (variant online: instances the orders are checked against, docs/marketplace/license.md §0)
    ...ORDER_NOTIFY_SCHEMA,
    // metering for a listing billed by use (variant online: its queryInstance answers usage, docs/marketplace/license.md §3)
    ...METERING_SCHEMA,
    "relay": {
      "description": "The licence relay for the merchant's software at POST /licenses/<id>/activate|check|usage (variant code only). On by default.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "enabled": { "description": "Serve the relay. Default true for variant code.", "type": "boolean" },
        "productIds": {
          "description": "The KooGallery product ids this listing sells (Seller Console; a period change may add one). The relay unlocks only codes bought for one of them. Required while the relay is on.",
          "type": "array",
          "minItems": 1,
          "maxItems": 100,
          "items": { "type": "string", "minLength": 1, "maxLength": 64 }
        },
        "skuCodes": {
          "description": "The SKUs (specifications) this listing serves; absent: every SKU of productIds. When given, the relay reads a code's SKU from its purchase order and unlocks only these.",
          "type": "array",
          "minItems": 1,
          "maxItems": 100,
          "items": { "type": "string", "minLength": 1, "maxLength": 64 }
        },
        "unknownCodesPerMinute": limit("Marketplace calls per minute for codes this listing has not seen yet (a guessed code costs one). Default 60.", 1_000_000),
        "perAddressPerMinute": limit("Requests one client address may make per minute. Default 60.", 1_000_000_000),
        "perCodePerMinute": limit("Requests naming one code that are served per minute. Default 30.", 1_000_000_000),
        "clientsPerCodePerDay": limit("Distinct client ids counted per code and UTC day (the usage API takes at most 100 per code). Default 100.", 100)
      }
    }
  },
  required: ["variant"],
} as const;
