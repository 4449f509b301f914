/**
 * A SaaS listing's own part of a product definition (its schema is in ./schema.ts): the wire protocol,
 * how credentials are sent, how adapter work that outlives the deadline is run, and joint-operation sync.
 */
import type { KeyObject } from "node:crypto";
import { DEFAULT_ENCRYPT_TYPE } from "../../crypto/credential.js";
import { SetupError } from "../../errors.js";
import type { BaseDefinition, ProductBase } from "../../products/definition.js";
import type { EncryptType, KeyType } from "../../vocabulary.js";
import type { SaasProtocol } from "./vocabulary.js";
import { loadMetering, type MeteringSettings } from "../../metering/definition.js";
import { loadOrderNotify, type OrderNotifySettings } from "../../orders/definition.js";
import { DEFAULT_PROVISIONING, type ProvisioningSettings } from "../../outbox/provisioning.js";
import type { LoadContext, Served } from "../kind.js";
import type { SaasAdapter } from "./adapter.js";
import { loadJointOperation } from "./joint-operation.js";

/** A SaaS definition as written in `products/<id>.yaml`. */
export interface SaasDefinition extends BaseDefinition {
  kind: "saas";
  protocol?: SaasProtocol;
  encryptType?: EncryptType;
  credentials?: "plain" | "encrypted";
  provisioning?: Partial<ProvisioningSettings>;
  jointOperation?: { enabled: boolean; privateKey?: { env: string } | { file: string } };
}

/** Joint-operation sync settings after loading (docs/marketplace/saas.md §5). */
export interface JointOperation {
  enabled: boolean;
  /**
   * The merchant's RSA private key that opens applicationSync's clientSecret; null when none is
   * configured (only outside production: applicationSync then answers 000101). Never logged.
   */
  privateKey: KeyObject | null;
  /** where the key was to be read from, for log lines and `koogate check` (never the key) */
  privateKeySource: string | null;
}

/** A SaaS listing after loading: defaults applied, keys resolved from the environment. */
export interface SaasProduct extends ProductBase {
  kind: "saas";
  protocol: SaasProtocol;
  encryptType: EncryptType;
  credentials: "plain" | "encrypted";
  provisioning: ProvisioningSettings;
  /** joint-operation sync; `enabled: false` when the definition does not ask for it */
  jointOperation: JointOperation;
  /** order notification on the production URL (core/orders/); 2.0 listings only */
  orderNotify: OrderNotifySettings;
  /** pay-per-use metering (core/metering/) */
  metering: MeteringSettings;
}

/** A loaded SaaS listing with its adapter instance. */
export type ServedSaasProduct = Served<SaasProduct, SaasAdapter>;

/** The key types a SaaS definition's served interfaces use: basic always, kit for joint-operation sync, general for order notification. */
export function saasKeyTypes(def: SaasDefinition): KeyType[] {
  return ["basic", ...(def.jointOperation?.enabled ? (["kit"] as const) : []), ...(loadOrderNotify(def).enabled ? (["general"] as const) : [])];
}

/** @throws SetupError naming the file, the path and the fix */
export function loadSaasProduct(def: SaasDefinition, base: ProductBase, ctx: LoadContext): SaasProduct {
  const protocol = def.protocol ?? "v2";
  // 1.0 answers always carry encrypted credentials (docs/marketplace/saas.md §7, §9).
  if (protocol === "v1" && def.credentials === "plain") {
    throw new SetupError("a protocol v1 listing always encrypts credentials (docs/marketplace/saas.md §7); remove credentials: plain", base.file, "/credentials");
  }
  const orderNotify = loadOrderNotify(def);
  // the notification is a 2.0 POST (docs/marketplace/api-image-openapi.md §5); a 1.0 listing is served by GET
  if (protocol === "v1" && orderNotify.enabled) throw new SetupError("order notification is a 2.0 POST call; a protocol v1 listing cannot receive it", base.file, "/orderNotify");
  return {
    ...base,
    kind: "saas",
    protocol,
    encryptType: def.encryptType ?? DEFAULT_ENCRYPT_TYPE,
    credentials: def.credentials ?? (protocol === "v1" ? "encrypted" : "plain"),
    provisioning: { ...DEFAULT_PROVISIONING, ...def.provisioning },
    jointOperation: loadJointOperation(def, base.file, ctx),
    orderNotify,
    metering: loadMetering(def),
  };
}
