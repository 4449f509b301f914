/**
 * A merchant project's koogate config: where it is and what it says. It is found in the project folder
 * (the current directory, or the file `KOOGATE_CONFIG` names), in this order: `koogate.config.ts`,
 * `koogate.config.js`, `koogate.config.mjs`, `koogate.config.json`, then a `koogate` section in
 * `package.json`. Every problem is a SetupError naming the merchant's file, the field and the fix.
 *
 * Node 20 cannot import TypeScript, and koogate does not compile the merchant's code: a
 * `koogate.config.ts` is compiled by the project's own build (tsc, with the adapters) and koogate
 * imports the result, `koogate.config.js` beside it or under `dist/`. It refuses to start, naming
 * both files, when there is none or when the .ts was changed after it was compiled (a stale build
 * would silently serve the old settings). Paths in it stay relative to the .ts file's folder.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { AdapterClass } from "../adapters.js";
import { SetupError } from "../errors.js";
import type { Environment } from "./reader.js";

/** What a config holds (every field optional). */
export interface ProjectSettings {
  /** the folder of product definitions (`*.yaml`), relative to the config. Default `products`. */
  products?: string;
  /**
   * The adapter classes products may name: modules whose exported adapter classes count, relative to
   * the config: compiled JavaScript (`dist/adapters/notes.js`); TypeScript goes through the project's
   * own build. A `koogate.config.ts`/`.js` may list the imported classes themselves. Default none.
   */
  adapters?: (string | AdapterClass)[];
  /** `sqlite:<path>` (relative to the config) or `postgres://…`. Default `sqlite:data/koogate.sqlite`. */
  database?: string;
}

/** A config as found. */
export interface ProjectConfigFile {
  /** the file read, absolute; undefined when the project has no config */
  file?: string;
  /** the folder the config's paths are relative to */
  root: string;
  /** the file as messages name it (relative to the working directory), e.g. `koogate.config.json` */
  label: string;
  /** where the settings sit inside that file: "" or `/koogate` (package.json) */
  at: string;
  settings: ProjectSettings;
}

/**
 * What a `koogate.config.ts` (or `.js`) exports by default, typed: `export default defineConfig({ … })`
 * (imported from "koogate"). TypeScript checks the fields where the merchant writes them; koogate checks
 * them again when it reads the file.
 */
export function defineConfig(config: ProjectSettings): ProjectSettings {
  return config;
}

/** The file names searched, in order. */
export const CONFIG_FILES = ["koogate.config.ts", "koogate.config.js", "koogate.config.mjs", "koogate.config.json"] as const;

/** Where a project's build puts a compiled `koogate.config.ts`, searched in order: tsc without and with `outDir: "dist"`. */
const COMPILED = ["koogate.config.js", "dist/koogate.config.js"] as const;

const FIELDS: Record<keyof ProjectSettings, string> = {
  products: "a folder name, like \"products\"",
  adapters: "a list of module paths, like [\"dist/adapters/notes.js\"] (or, in a koogate.config.ts or .js, of imported adapter classes)",
  database: "a database URL, like \"sqlite:data/koogate.sqlite\" or \"postgres://user@host/db\"",
};

/**
 * Finds and reads the config of the project in `cwd`, or the file `env.KOOGATE_CONFIG` names.
 * Resolves to a config without a file when the folder has none.
 * @throws SetupError naming the config file
 */
export async function readProjectConfig(cwd: string, env: Environment): Promise<ProjectConfigFile> {
  const named = env.KOOGATE_CONFIG;
  if (named) {
    const file = resolve(cwd, named);
    if (!existsSync(file)) throw new SetupError(`KOOGATE_CONFIG names ${named}, which does not exist; fix the variable or create the file`);
    return basename(file) === "package.json" ? fromPackageJson(file, true, cwd)! : readFile(file, cwd);
  }
  for (const name of CONFIG_FILES) {
    const file = resolve(cwd, name);
    if (existsSync(file)) return readFile(file, cwd);
  }
  const pkg = resolve(cwd, "package.json");
  return (existsSync(pkg) && fromPackageJson(pkg, false, cwd)) || { root: cwd, label: "koogate.config.json", at: "", settings: {} };
}

async function readFile(file: string, cwd: string): Promise<ProjectConfigFile> {
  const label = shown(file);
  let value: unknown;
  if (file.endsWith(".json")) {
    value = parseJson(file, label);
  } else {
    const js = /\.[mc]?ts$/.test(file) ? compiledConfig(file, label) : file;
    try {
      const mod = (await import(pathToFileURL(js).href)) as { default?: unknown };
      value = mod.default;
    } catch (e) {
      throw new SetupError(`cannot be loaded (${firstLine(e)}); fix the error in it`, label);
    }
    if (value === undefined) throw new SetupError("has no default export; end it with `export default defineConfig({ products: \"products\", adapters: [...] })` (defineConfig from \"koogate\")", label);
  }
  return { file, root: dirname(file), label, at: "", settings: validate(value, label, "") };
}

/**
 * The compiled JavaScript of a `koogate.config.ts`, from the project's build.
 * @throws SetupError when there is none, or it is older than the .ts
 */
function compiledConfig(file: string, label: string): string {
  const dir = dirname(file);
  const js = COMPILED.map((c) => resolve(dir, c.replace("koogate.config", basename(file).replace(/\.[mc]?ts$/, "")))).find((c) => existsSync(c));
  const fix = `run your build (npm run build), with ${basename(file)} in tsconfig.json's "include"`;
  if (!js) throw new SetupError(`is TypeScript, which Node cannot import: koogate reads its compiled ${COMPILED.join(" or ")}, and there is none; ${fix}`, label);
  if (statSync(file).mtimeMs > statSync(js).mtimeMs) throw new SetupError(`was changed after it was compiled to ${shown(js)}: koogate would read the old settings; ${fix}`, label);
  return js;
}

/** The `koogate` section of a package.json; undefined when it has none (and none is required). */
function fromPackageJson(file: string, required: boolean, cwd: string): ProjectConfigFile | undefined {
  const label = shown(file);
  const pkg = parseJson(file, label);
  const section = (pkg as { koogate?: unknown } | null)?.koogate;
  if (section === undefined) {
    if (required) throw new SetupError(`has no "koogate" section; add one: "koogate": { "products": "products", "adapters": [] }`, label);
    return undefined;
  }
  return { file, root: dirname(file), label, at: "/koogate", settings: validate(section, label, "/koogate") };
}

function parseJson(file: string, label: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new SetupError(`is not valid JSON (${firstLine(e)}); fix the syntax`, label);
  }
}

/** Checks every field; an unknown one is refused (a typo would otherwise be silently ignored). */
function validate(value: unknown, label: string, at: string): ProjectSettings {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SetupError(`must be an object like { "products": "products", "adapters": ["dist/adapters/notes.js"] }`, label, at || "/");
  }
  const settings = value as Record<string, unknown>;
  for (const [key, v] of Object.entries(settings)) {
    const want = FIELDS[key as keyof ProjectSettings];
    if (!want) throw new SetupError(`unknown field "${key}" (a typo?); the fields are ${Object.keys(FIELDS).join(", ")}`, label, `${at}/${key}`);
    const ok = key === "adapters" ? Array.isArray(v) && v.every((m) => (typeof m === "string" && m !== "") || typeof m === "function") : typeof v === "string" && v !== "";
    if (!ok) throw new SetupError(`must be ${want}`, label, `${at}/${key}`);
  }
  return settings as ProjectSettings;
}

/** A path as a merchant reads it (and as fs resolves it): relative to the working directory when inside it. */
export function shown(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}

export function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
}
