/**
 * Loads every `*.yaml` product definition of a folder, validates it against its kind's schema and the
 * adapter's own options schema, checks the adapter class has its kind's methods, resolves its keys from
 * the environment, lets the kind build its typed product, and refuses the start with every problem
 * found, each naming the file, the path inside it and the fix.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { parseDocument } from "yaml";
import type { AdapterClass } from "../adapters.js";
import { SetupError } from "../errors.js";
import type { Kind } from "../kinds/kind.js";
import type { Logger } from "../logger.js";
import type { Environment } from "../settings/reader.js";
import { keyTypes } from "../kinds/registry.js";
import type { KeyType } from "../vocabulary.js";
import type { BaseDefinition, ProductBase } from "./definition.js";
import { definitionSchema, kindSchema } from "./schema.js";
import { withArticle } from "../article.js";

const ajv = new Ajv({ allErrors: true, strict: false });

/**
 * The key used for an unset key variable outside production, so that `npm start` works on a fresh
 * machine. It is public, so a loud warning is logged; with NODE_ENV=production the start is refused.
 */
export function devKey(variable: string): string {
  return `koogate-dev-key-${variable}`;
}

export interface LoadOptions {
  dir: string;
  env: Environment;
  production: boolean;
  /** adapter classes by name */
  adapters: ReadonlyMap<string, AdapterClass>;
  /** the registered kinds (core/kinds/index.ts) */
  kinds: readonly Kind[];
  logger: Logger;
  /**
   * what the merchant does to make an adapter class known, for the "unknown adapter" message; default
   * "name its module in koogate.config.json "adapters"" (core/project/index.ts gives a precise one)
   */
  adapterHint?: string;
}

/**
 * Compiled validators, once per kind list as it stands: the registry's list is live (a kind registered
 * later adds its fields and key types), so a list whose members changed is compiled again.
 */
const compiled = new WeakMap<readonly Kind[], { members: readonly Kind[]; kind: ValidateFunction; byKind: Map<string, ValidateFunction> }>();

function validators(kinds: readonly Kind[]) {
  let v = compiled.get(kinds);
  if (!v || v.members.length !== kinds.length || v.members.some((k, i) => k !== kinds[i])) {
    v = { members: [...kinds], kind: ajv.compile(kindSchema(kinds)), byKind: new Map(kinds.map((k) => [k.name, ajv.compile(definitionSchema(k, kinds))])) };
    compiled.set(kinds, v);
  }
  return v;
}

export function loadProducts(opts: LoadOptions): ProductBase[] {
  let files: string[];
  try {
    files = readdirSync(opts.dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  } catch {
    throw new SetupError(`cannot read the products folder; point "products" in koogate.config.json (or KOOGATE_PRODUCTS) at a folder of *.yaml definitions, or run npx koogate init here`, opts.dir);
  }
  if (files.length === 0) throw new SetupError("no product definitions (*.yaml) found", opts.dir);
  const problems: SetupError[] = [];
  const products: ProductBase[] = [];
  const seen = new Map<string, string>();
  for (const f of files) {
    const file = join(opts.dir, f);
    try {
      const p = loadOne(file, opts);
      const first = seen.get(p.id);
      if (first) throw new SetupError(`duplicate id "${p.id}", already used by ${first}; give each listing its own id`, file, "/id");
      seen.set(p.id, file);
      products.push(p);
    } catch (e) {
      if (e instanceof SetupError) problems.push(e);
      else throw e;
    }
  }
  if (problems.length === 0) problems.push(...crossCheck(products, opts.kinds));
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) {
    throw new SetupError(`${problems.length} problems in product definitions:\n  - ${problems.map((p) => p.message).join("\n  - ")}`);
  }
  return products;
}

/** Each kind's checks over the whole catalogue (`Kind.checkAll`), once every definition has loaded. */
function crossCheck(products: readonly ProductBase[], kinds: readonly Kind[]): SetupError[] {
  return kinds.flatMap((k) => k.checkAll?.(products.filter((p) => p.kind === k.name), products) ?? []);
}

function loadOne(file: string, opts: LoadOptions): ProductBase {
  const doc = parseDocument(readFileSync(file, "utf8"));
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new SetupError(`not valid YAML (${e.message.split("\n")[0]})`, file, e.linePos ? `line ${e.linePos[0].line}` : undefined);
  }
  const def: unknown = doc.toJS();
  const v = validators(opts.kinds);
  if (!v.kind(def)) throw schemaError(v.kind.errors, file);
  const kindName = (def as { kind: string }).kind;
  const kind = opts.kinds.find((k) => k.name === kindName);
  if (!kind) {
    throw new SetupError(`kind "${kindName}" is not yet supported; supported: ${opts.kinds.map((k) => k.name).join(", ")}`, file, "/kind");
  }
  const validate = v.byKind.get(kind.name)!;
  if (!validate(def)) throw schemaError(validate.errors, file);
  const d = def as BaseDefinition;
  d.keys ??= {};
  const adapter = d.adapter === undefined && kind.adapterOptional ? undefined : checkAdapter(d, kind, file, opts);
  const options = d.options ?? {};
  if (adapter?.optionsSchema) {
    const check = ajv.compile(adapter.optionsSchema);
    if (!check(options)) {
      const e = check.errors![0]!;
      throw new SetupError(`${describe(e)} (schema of ${d.adapter})`, file, `/options${e.instancePath}`);
    }
  }
  const base: ProductBase = { id: d.id, name: d.name, kind: kind.name, adapter: d.adapter ?? "", options, file, ...resolveKeys(d, kind, file, opts) };
  return kind.load(d, base, { env: opts.env, production: opts.production, logger: opts.logger });
}

/** The adapter class named by the definition: registered, of the definition's kind, with every method of that kind. */
function checkAdapter(d: BaseDefinition, kind: Kind, file: string, opts: LoadOptions): AdapterClass {
  const adapter = opts.adapters.get(d.adapter ?? "");
  if (!adapter) {
    const known = [...opts.adapters.keys()].join(", ") || "none";
    throw new SetupError(
      `unknown adapter "${d.adapter}" (registered: ${known}); ${opts.adapterHint ?? 'export it from a module named in koogate.config.json "adapters"'}`,
      file,
      "/adapter",
    );
  }
  if (adapter.kind !== kind.name) {
    throw new SetupError(`adapter ${d.adapter} serves kind "${adapter.kind}", not "${kind.name}"`, file, "/adapter");
  }
  const methods = typeof kind.adapterMethods === "function" ? kind.adapterMethods(d) : kind.adapterMethods;
  const missing = methods.filter((m) => typeof (adapter.prototype as Record<string, unknown> | undefined)?.[m] !== "function");
  if (missing.length > 0) {
    throw new SetupError(`adapter ${d.adapter} has no method ${missing.join(", ")}; ${withArticle(kind.name)} adapter implements ${methods.join(", ")}`, file, "/adapter");
  }
  return adapter;
}

/**
 * Every listed key variable, resolved. A variable of a key type the listing's interfaces use must be
 * set in production; outside production a public development key stands in, with a loud warning. A
 * listed type no served interface uses never blocks a start: it is only reported.
 */
function resolveKeys(d: BaseDefinition, kind: Kind, file: string, opts: LoadOptions): Pick<ProductBase, "keys" | "keyVariables"> {
  const used = new Set(kind.keyTypes(d));
  for (const type of used) {
    if (!d.keys[type]?.length) {
      throw new SetupError(`missing keys.${type}: this listing's interfaces are signed with it; add keys.${type}: [YOUR_${type.toUpperCase()}_KEY_VARIABLE]`, file, `/keys/${type}`);
    }
  }
  const keys = {} as Record<KeyType, string[]>;
  const keyVariables = {} as Record<KeyType, Array<{ name: string; set: boolean }>>;
  for (const type of keyTypes(opts.kinds)) {
    const names = d.keys[type] ?? [];
    keyVariables[type] = names.map((name) => ({ name, set: !!opts.env[name] }));
    keys[type] = [];
    names.forEach((name, i) => {
      const value = opts.env[name];
      if (value) return void keys[type].push(value);
      if (i > 0) return; // a rotation key is optional
      if (!used.has(type)) {
        opts.logger.info(`${name} is not set; no interface of product ${d.id} uses keys.${type}, so it is not needed`, { product: d.id, keyType: type });
        return;
      }
      if (opts.production) {
        throw new SetupError(`key variable ${name} is not set; export it (NODE_ENV=production refuses dev keys)`, file, `/keys/${type}/0`);
      }
      opts.logger.warn(`!!! ${name} is not set: product ${d.id} uses a public development key. Never do this in production.`, {
        product: d.id,
        variable: name,
      });
      keys[type].push(devKey(name));
    });
  }
  return { keys, keyVariables };
}

function schemaError(errors: ErrorObject[] | null | undefined, file: string): SetupError {
  const e = (errors ?? [])[0]!;
  return new SetupError(describe(e), file, e.instancePath || "/");
}

/** A message a merchant can act on, for an ajv error. */
function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "enum":
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "required":
      return `missing required field "${String(p.missingProperty)}"`;
    case "additionalProperties":
      return `unknown field "${String(p.additionalProperty)}" (a typo?)`;
    case "pattern":
      return `${e.message}${e.instancePath.startsWith("/keys") ? " (an environment-variable name like MY_PRODUCT_KEY, never the key itself)" : ""}`;
    default:
      return e.message ?? e.keyword;
  }
}
