import type { KeyObject } from "node:crypto";
import type { EncryptType, KeyType, ProductKind, SaasProtocol } from "../vocabulary.js";

/** A product definition as written in `products/<id>.yaml` (see product.schema.json). */
export interface ProductDefinition {
  id: string;
  name: string;
  kind: ProductKind;
  protocol?: SaasProtocol;
  adapter: string;
  /** environment-variable names per key type */
  keys: Partial<Record<KeyType, string[]>>;
  encryptType?: EncryptType;
  credentials?: "plain" | "encrypted";
  provisioning?: Partial<ProvisioningSettings>;
  jointOperation?: { enabled: boolean; privateKey?: { env: string } | { file: string } };
  options?: Record<string, unknown>;
}

/** How adapter work that outlives the 5-second deadline is run (see product.schema.json). */
export interface ProvisioningSettings {
  budgetMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  attemptTimeoutMs: number;
}

export const DEFAULT_PROVISIONING: ProvisioningSettings = { budgetMs: 3000, maxAttempts: 8, retryBaseMs: 1000, attemptTimeoutMs: 300_000 };

/** Joint-operation sync settings after loading (saas.md §5). */
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

/** A definition after loading: defaults applied, keys resolved from the environment. */
export interface Product {
  id: string;
  name: string;
  kind: ProductKind;
  protocol: SaasProtocol;
  adapter: string;
  encryptType: EncryptType;
  credentials: "plain" | "encrypted";
  provisioning: ProvisioningSettings;
  /** joint-operation sync; `enabled: false` when the definition does not ask for it */
  jointOperation: JointOperation;
  options: Record<string, unknown>;
  /** active keys per type, the current (first-listed) one first; never logged */
  keys: Readonly<Record<KeyType, readonly string[]>>;
  /** which key variables were set, per type (for `koogate check`; values never exposed) */
  keyVariables: Readonly<Record<KeyType, ReadonlyArray<{ name: string; set: boolean }>>>;
  /** the file it came from */
  file: string;
}
