/**
 * The fields an API definition adds to the common ones (core/products/schema.ts); what they mean is in
 * ./product.ts and docs/kinds/api.md.
 */
import { API_AUTH_SCHEMES, API_BILLING } from "./vocabulary.js";

const envName = { type: "string", pattern: "^[A-Z_][A-Z0-9_]*$" };

export const API_SCHEMA = {
  properties: {
    "auth": {
      "description": "How the gateway's calls are authenticated (docs/marketplace/api-image-openapi.md §6.3, §6.4): apig-signature (an APIG signature key, SDK-HMAC-SHA256), agents-jwt (the Agents gateway's HS256 JWT) or constant-header (a secret header configured in the gateway).",
      "enum": API_AUTH_SCHEMES
    },
    "gatewayKeys": {
      "description": "The gateway's credentials, by environment-variable name, never the values: {key, secret} pairs for apig-signature (signature key and secret) and agents-jwt (APP Key and APP Secret); {secret} for constant-header. Several during a rotation.",
      "type": "array",
      "minItems": 1,
      "maxItems": 4,
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["secret"],
        "properties": {
          "key": { ...envName, "description": "variable holding the access key (AK, APP Key)" },
          "secret": { ...envName, "description": "variable holding the secret (SK, APP Secret, header value)" }
        }
      }
    },
    "header": {
      "description": "constant-header only: the header the gateway sends the secret in, e.g. X-Gateway-Secret.",
      "type": "string",
      "pattern": "^[A-Za-z0-9-]{1,64}$"
    },
    "upstream": {
      "description": "Forward every call to this HTTP(S) service: /api/<id>/<rest>?<query> goes to <upstream>/<rest>?<query>, streamed both ways. Give either upstream or adapter.",
      "type": "string",
      "pattern": "^https?://[^\\s]+$"
    },
    "upstreamTimeoutMs": {
      "description": "How long the upstream may take to start its answer before the call is answered 504. Default 30000.",
      "type": "integer",
      "minimum": 100,
      "maximum": 600000
    },
    "maxBodyBytes": {
      "description": "Largest request body accepted (413 beyond). Default 1048576; the gateway itself sends at most 12 MB (docs/marketplace/api-image-openapi.md §2).",
      "type": "integer",
      "minimum": 1024,
      "maximum": 12582912
    },
    "billing": {
      "description": "How the gateway bills the calls: calls (default) or tokens (an agents-jwt listing whose answers carry a usage object, docs/marketplace/api-image-openapi.md §6.4; koogate checks it).",
      "enum": API_BILLING
    },
    "rateLimit": {
      "description": "Optional limit per buyer (a signed X-Customer-Id; unknown buyers share one): at most `requests` calls in each window of `perSeconds`, counted in the database across every process; beyond, HTTP 429.",
      "type": "object",
      "additionalProperties": false,
      "required": ["requests"],
      "properties": {
        "requests": { "type": "integer", "minimum": 1, "maximum": 1000000 },
        "perSeconds": { "description": "Default 60.", "type": "integer", "minimum": 1, "maximum": 86400 }
      }
    },
    "callLog": {
      "description": "The per-buyer call log (koogate calls): how long rows are kept and the most kept for this listing.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "retentionDays": { "description": "Default 30.", "type": "integer", "minimum": 1, "maximum": 3650 },
        "maxRows": { "description": "Default 1000000.", "type": "integer", "minimum": 1000, "maximum": 100000000 }
      }
    }
  },
  required: ["auth", "gatewayKeys"],
} as const;
