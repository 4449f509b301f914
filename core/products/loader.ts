/**
 * Loads every `*.yaml` product definition of a folder, validates it against product.schema.json and the
 * adapter's own options schema, resolves its keys from the environment, and refuses the start with every
 * problem found, each naming the file, the path inside it and the fix.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ErrorObject } from "ajv";
import { parseDocument } from "yaml";
import type { AdapterClass } from "../adapters.js";
import { SetupError } from "../errors.js";
import type { Logger } from "../logger.js";
import { KEY_TYPES, SUPPORTED_KINDS, type KeyType } from "../vocabulary.js";
import { DEFAULT_PROVISIONING, type Product, type ProductDefinition } from "./definition.js";
import { loadJointOperation } from "./joint-operation.js";
import schema from "./product.schema.json" with { type: "json" };

const ajv = new Ajv({ allErrors: true, strict: false });
const validateDefinition = ajv.compile<ProductDefinition>(schema);

/**
 * The key used for an unset key variable outside production, so that `npm start` works on a fresh
 * machine. It is public, so a loud warning is logged; with NODE_ENV=production the start is refused.
 */
export function devKey(variable: string): string {
  return `koogate-dev-key-${variable}`;
}

export interface LoadOptions {
  dir: string;
  env: NodeJS.ProcessEnv;
  production: boolean;
  /** adapter classes by name (adapters/index.ts) */
  adapters: ReadonlyMap<string, AdapterClass>;
  logger: Logger;
}

export function loadProducts(opts: LoadOptions): Product[] {
  let files: string[];
  try {
    files = readdirSync(opts.dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  } catch {
    throw new SetupError(`cannot read the products folder; set KOOGATE_PRODUCTS to a folder of *.yaml definitions`, opts.dir);
  }
  if (files.length === 0) throw new SetupError("no product definitions (*.yaml) found", opts.dir);
  const problems: SetupError[] = [];
  const products: Product[] = [];
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
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) {
    throw new SetupError(`${problems.length} problems in product definitions:\n  - ${problems.map((p) => p.message).join("\n  - ")}`);
  }
  return products;
}

function loadOne(file: string, opts: LoadOptions): Product {
  const doc = parseDocument(readFileSync(file, "utf8"));
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new SetupError(`not valid YAML (${e.message.split("\n")[0]})`, file, e.linePos ? `line ${e.linePos[0].line}` : undefined);
  }
  const def: unknown = doc.toJS();
  if (!validateDefinition(def)) {
    const errs = validateDefinition.errors ?? [];
    throw new SetupError(describe(errs[0]!), file, errs[0]!.instancePath || "/");
  }
  if (!SUPPORTED_KINDS.includes(def.kind)) {
    throw new SetupError(`kind "${def.kind}" is not yet supported; supported: ${SUPPORTED_KINDS.join(", ")}`, file, "/kind");
  }
  const adapter = opts.adapters.get(def.adapter);
  if (!adapter) {
    const known = [...opts.adapters.keys()].join(", ") || "none";
    throw new SetupError(
      `unknown adapter "${def.adapter}"; register the class in adapters/index.ts (registered: ${known})`,
      file,
      "/adapter",
    );
  }
  if (adapter.kind !== def.kind) {
    throw new SetupError(`adapter ${def.adapter} serves kind "${adapter.kind}", not "${def.kind}"`, file, "/adapter");
  }
  const options = def.options ?? {};
  if (adapter.optionsSchema) {
    const check = ajv.compile(adapter.optionsSchema);
    if (!check(options)) {
      const e = check.errors![0]!;
      throw new SetupError(`${describe(e)} (schema of ${def.adapter})`, file, `/options${e.instancePath}`);
    }
  }
  const keys = {} as Record<KeyType, string[]>;
  const keyVariables = {} as Record<KeyType, Array<{ name: string; set: boolean }>>;
  for (const type of KEY_TYPES) {
    const names = def.keys[type] ?? [];
    keyVariables[type] = names.map((name) => ({ name, set: !!opts.env[name] }));
    keys[type] = [];
    names.forEach((name, i) => {
      const value = opts.env[name];
      if (value) return void keys[type].push(value);
      if (i > 0) return; // a rotation key is optional
      if (opts.production) {
        throw new SetupError(`key variable ${name} is not set; export it (NODE_ENV=production refuses dev keys)`, file, `/keys/${type}/0`);
      }
      opts.logger.warn(`!!! ${name} is not set: product ${def.id} uses a public development key. Never do this in production.`, {
        product: def.id,
        variable: name,
      });
      keys[type].push(devKey(name));
    });
  }
  const protocol = def.protocol ?? "v2";
  // 1.0 answers always carry encrypted credentials (saas.md §7, §9).
  if (protocol === "v1" && def.credentials === "plain") {
    throw new SetupError("a protocol v1 listing always encrypts credentials (saas.md §7); remove credentials: plain", file, "/credentials");
  }
  const jointOperation = loadJointOperation(def, file, opts);
  return {
    id: def.id,
    name: def.name,
    kind: def.kind,
    protocol,
    adapter: def.adapter,
    encryptType: def.encryptType ?? 1,
    credentials: def.credentials ?? (protocol === "v1" ? "encrypted" : "plain"),
    provisioning: { ...DEFAULT_PROVISIONING, ...def.provisioning },
    jointOperation,
    options,
    keys,
    keyVariables,
    file,
  };
}

/** A message a merchant can act on, for the first ajv error. */
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
