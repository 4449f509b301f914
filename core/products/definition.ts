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
  options?: Record<string, unknown>;
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
  options: Record<string, unknown>;
  /** active keys per type, the current (first-listed) one first; never logged */
  keys: Readonly<Record<KeyType, readonly string[]>>;
  /** which key variables were set, per type (for `koogate check`; values never exposed) */
  keyVariables: Readonly<Record<KeyType, ReadonlyArray<{ name: string; set: boolean }>>>;
  /** the file it came from */
  file: string;
}
