/**
 * The fields a SaaS definition adds to the common ones (core/products/schema.ts). Enums come from the
 * closed vocabularies, so the schema and the code cannot drift apart.
 */
import { METERING_SCHEMA } from "../../metering/definition.js";
import { ORDER_NOTIFY_SCHEMA } from "../../orders/definition.js";
import { ENCRYPT_TYPES } from "../../vocabulary.js";
import { SAAS_PROTOCOLS } from "./vocabulary.js";

export const SAAS_SCHEMA = {
  properties: {
    ...ORDER_NOTIFY_SCHEMA,
    ...METERING_SCHEMA,
    "protocol": {
      "description": "SaaS wire protocol: v2 (POST JSON, current) or v1 (legacy GET). Default v2.",
      "enum": SAAS_PROTOCOLS
    },
    "encryptType": {
      "description": "Credential encryption: 1 = AES-256 (default), 2 = AES-128 (docs/marketplace/saas.md §7).",
      "enum": ENCRYPT_TYPES
    },
    "credentials": {
      "description": "How queryInstance sends appInfo.userName/password in 2.0: plain (as Huawei's 2.0 sample does, default) or encrypted with encryptType (docs/marketplace/saas.md §4.2, UNCONFIRMED). A v1 listing always encrypts (docs/marketplace/saas.md §7) and refuses plain.",
      "enum": [
        "plain",
        "encrypted"
      ]
    },
    "provisioning": {
      "description": "Adapter work that outlives the marketplace's 5-second deadline: answered 000000 after budgetMs, then continued from a durable outbox.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "budgetMs": {
          "description": "How long an adapter call may run before the answer is sent without it. Default 3000.",
          "type": "integer",
          "minimum": 0,
          "maximum": 4500
        },
        "maxAttempts": {
          "description": "Attempts (the first included) before the work is marked failed. Default 8.",
          "type": "integer",
          "minimum": 1,
          "maximum": 100
        },
        "retryBaseMs": {
          "description": "Backoff of the first retry; doubled per attempt, at most 5 minutes. Default 1000.",
          "type": "integer",
          "minimum": 10,
          "maximum": 3600000
        },
        "attemptTimeoutMs": {
          "description": "An attempt still running after this counts as failed and is retried. Default 300000.",
          "type": "integer",
          "minimum": 100,
          "maximum": 86400000
        }
      }
    },
    "jointOperation": {
      "description": "Joint-operation (联营) SaaS sync interfaces at /produce/<id>/produceAPI/v2/<sync> (docs/marketplace/saas.md §5). Needs keys.kit; 2.0 listings only.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "enabled"
      ],
      "properties": {
        "enabled": {
          "description": "Serve tenantSync, applicationSync, authSync, singleOrgSync and allOrgSync.",
          "type": "boolean"
        },
        "privateKey": {
          "description": "Where the merchant's RSA private key (PEM, the pair of the public key uploaded in the Seller Console) is read from, to decrypt applicationSync's clientSecret: an environment variable holding the PEM, or a file path (relative paths start at this definition's folder).",
          "oneOf": [
            {
              "type": "object",
              "additionalProperties": false,
              "required": [
                "env"
              ],
              "properties": {
                "env": {
                  "type": "string",
                  "pattern": "^[A-Z_][A-Z0-9_]*$"
                }
              }
            },
            {
              "type": "object",
              "additionalProperties": false,
              "required": [
                "file"
              ],
              "properties": {
                "file": {
                  "type": "string",
                  "minLength": 1
                }
              }
            }
          ]
        }
      }
    }
  },
} as const;
