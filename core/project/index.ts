/**
 * A merchant project as koogate sees it: the config (core/project/config-file.ts), the adapter classes
 * of its modules (core/project/adapter-modules.ts), and the server config that results. `koogate serve`,
 * `check`, `sim` and `events` all load the project through `loadProject`, so they see the same adapters.
 *
 * Environment variables win over the config file: `KOOGATE_PRODUCTS` over `products`,
 * `KOOGATE_DATABASE_URL` over `database` (a deployment overrides what the project ships).
 */
import { isAbsolute, resolve } from "node:path";
import type { AdapterClass } from "../adapters.js";
import { loadConfig, type Config } from "../config.js";
import { KINDS } from "../kinds/index.js";
import type { Kind } from "../kinds/kind.js";
import { importAdapters, type AdapterModule } from "./adapter-modules.js";
import { readProjectConfig, shown } from "./config-file.js";

export { CONFIG_FILES } from "./config-file.js";
export { registerAdapters } from "./register.js";

export interface LoadProjectOptions {
  /** the project folder; default the working directory */
  cwd?: string;
  /** default process.env */
  env?: NodeJS.ProcessEnv;
  /** default the registry (core/kinds/index.ts) */
  kinds?: readonly Kind[];
  /** false: read the config only, without importing the adapter modules (`koogate events`); default true */
  importAdapters?: boolean;
}

export interface MerchantProject {
  /** the config file read (absolute), or undefined when the folder has none */
  configFile?: string;
  /** the server's config: the environment's, with the project's products folder and database */
  config: Config;
  /** every adapter class the project's modules export */
  adapters: AdapterClass[];
  /** what the merchant does to make an adapter class known, for the "unknown adapter" message */
  adapterHint: string;
}

/**
 * Reads the project's config, imports its adapter modules and builds the server config.
 * @throws SetupError naming the merchant's file (the config, or an adapter module)
 */
export async function loadProject(opts: LoadProjectOptions = {}): Promise<MerchantProject> {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const file = await readProjectConfig(cwd, env);
  const { adapters, modules } = opts.importAdapters === false ? { adapters: [], modules: [] } : await importAdapters(file, opts.kinds ?? KINDS);
  const base = loadConfig(env);
  const s = file.settings;
  const config: Config = {
    ...base,
    productsDir: env.KOOGATE_PRODUCTS || shown(resolve(file.root, s.products ?? "products")),
    databaseUrl: env.KOOGATE_DATABASE_URL || databaseUrl(s.database ?? "sqlite:data/koogate.sqlite", file.root),
  };
  return { configFile: file.file, config, adapters: adapters.map((a) => a.cls), adapterHint: hintText(file.file ? file.label : undefined, file.at, modules) };
}

/** A relative SQLite path is relative to the config, wherever the command runs. */
function databaseUrl(url: string, root: string): string {
  if (!url.startsWith("sqlite:")) return url;
  const path = url.slice("sqlite:".length);
  if (path === "" || path === ":memory:" || isAbsolute(path)) return url;
  return `sqlite:${shown(resolve(root, path))}`;
}

/** What the "unknown adapter" message tells the merchant to do, naming their config file. */
function hintText(label: string | undefined, at: string, modules: AdapterModule[]): string {
  if (!label) return `there is no koogate config here: run npx koogate init, or create koogate.config.json with "adapters": ["dist/adapters/your-adapter.js"]`;
  const listed = modules.length
    ? modules.map((m) => `${m.module} exports ${m.exports.length ? m.exports.join(", ") : "no adapter class"}`).join("; ")
    : "it lists no module yet";
  return `export the class (with a static kind) from a module listed in ${label} ${at}/adapters, and rebuild (${listed})`;
}
