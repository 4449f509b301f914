/**
 * What every product definition has, whatever its kind. A kind (core/kinds/<kind>/) adds its own
 * fields, schema and typed product on top; `Product` (core/kinds/index.ts) is the union of them all.
 */
import type { KeyType } from "../vocabulary.js";

/** The fields every definition has, as written in `products/<id>.yaml`. */
export interface BaseDefinition {
  id: string;
  name: string;
  kind: string;
  /** absent only where the kind allows it (`Kind.adapterOptional`) */
  adapter?: string;
  /** environment-variable names per key type; the loader makes an absent list `{}` */
  keys: Partial<Record<KeyType, string[]>>;
  options?: Record<string, unknown>;
  /** the kind's own fields */
  [field: string]: unknown;
}

/** A definition after loading, before its kind adds its own fields: keys resolved, defaults applied. */
export interface ProductBase {
  id: string;
  name: string;
  /** the kind's name, as registered (core/kinds/index.ts) */
  kind: string;
  /** the adapter class's name; "" when the definition names none (`Kind.adapterOptional`) */
  adapter: string;
  options: Record<string, unknown>;
  /** active keys per type, the current (first-listed) one first; never logged */
  keys: Readonly<Record<KeyType, readonly string[]>>;
  /** which key variables were set, per type (for `koogate check`; values never exposed) */
  keyVariables: Readonly<Record<KeyType, ReadonlyArray<{ name: string; set: boolean }>>>;
  /** the file it came from */
  file: string;
}
