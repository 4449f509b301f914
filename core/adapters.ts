/**
 * How adapter classes are described to the kernel. A class declares the product kind it serves and,
 * optionally, a JSON Schema for its definition's `options`; it may also prepare its own tables in `setup`.
 */

export interface AdapterClass<T = unknown> {
  new (...args: never[]): T;
  /** the product kind this adapter serves: a registered kind's name ("saas") */
  readonly kind: string;
  /** JSON Schema (draft-07) of the definition's `options`; omitted = any object */
  readonly optionsSchema?: Record<string, unknown>;
}

/** Optional start-up hook of an adapter instance (create tables, check connections). */
export interface AdapterSetup {
  setup(): Promise<void>;
}

export function hasSetup(x: unknown): x is AdapterSetup {
  return typeof (x as Partial<AdapterSetup>)?.setup === "function";
}
