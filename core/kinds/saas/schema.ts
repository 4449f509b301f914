/**
 * The fields a SaaS definition adds to the common ones (core/products/schema.ts). Enums come from the
 * closed vocabularies, so the schema and the code cannot drift apart.
 */
import { METERING_SCHEMA } from "../../metering/definition.js";
import { ORDER_NOTIFY_SCHEMA } from "../../orders/definition.js";
import { PROVISIONING_SCHEMA } from "../../outbox/provisioning.js";
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
    "provisioning": PROVISIONING_SCHEMA,
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
