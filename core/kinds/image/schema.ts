/** The fields an image definition adds (docs/marketplace/api-image-openapi.md §7); meanings in ./product.ts. */
import { IMAGE_LOGIN_METHODS, IMAGE_PRICING_MODES } from "./product.js";

export const IMAGE_SCHEMA = {
  properties: {
    "versions": {
      "description": "The image asset versions registered in the asset centre, each with the regions it is replicated to.",
      "type": "array",
      "minItems": 1,
      "maxItems": 100,
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["version", "regions"],
        "properties": {
          "version": { "type": "string", "minLength": 1, "maxLength": 64 },
          "assetId": { "description": "the image asset's ID in the asset centre", "type": "string", "minLength": 1, "maxLength": 128 },
          "regions": { "type": "array", "minItems": 1, "maxItems": 64, "uniqueItems": true, "items": { "type": "string", "pattern": "^[a-z0-9-]{2,40}$" } }
        }
      }
    },
    "pricing": {
      "description": "The pricing mode (§7): free, fixed (a price per period) or per-vcpu (a price per vCPU; never free).",
      "type": "object",
      "additionalProperties": false,
      "required": ["mode"],
      "properties": {
        "mode": { "enum": IMAGE_PRICING_MODES },
        "price": { "description": "The price, in the listing's currency; 0 or absent for a free image.", "type": "number", "minimum": 0 }
      }
    },
    "ports": {
      "description": "The ports the usage guide tells buyers to open (§7 point 3).",
      "type": "array",
      "maxItems": 64,
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["port", "protocol"],
        "properties": {
          "port": { "type": "integer", "minimum": 1, "maximum": 65535 },
          "protocol": { "enum": ["tcp", "udp"] },
          "purpose": { "type": "string", "maxLength": 100 }
        }
      }
    },
    "login": {
      "description": "How buyers sign in to a server made from the image, as the usage guide must state (§7 point 3).",
      "type": "object",
      "additionalProperties": false,
      "required": ["method"],
      "properties": {
        "method": { "enum": IMAGE_LOGIN_METHODS },
        "user": { "description": "the account to sign in as, e.g. root", "type": "string", "maxLength": 64 },
        "url": { "description": "web sign-in page, for method web (may name <server-ip>)", "type": "string", "maxLength": 300 }
      }
    },
    "license": {
      "description": "The id of a License listing served by this koogate, sold alongside for entitlement checks from inside the image (§7 point 2).",
      "type": "string",
      "pattern": "^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
    }
  },
  required: ["versions", "pricing", "ports", "login"],
} as const;
