/**
 * A merchant project as koogate sees it: its settings (the project file and the environment, read by
 * core/settings/), the adapter classes of its modules (core/project/adapter-modules.ts). `koogate serve`,
 * `check`, `sim` and `events` all load the project through `loadProject`, so they see the same adapters.
 */
import type { AdapterClass } from "../adapters.js";
import { KINDS } from "../kinds/index.js";
import type { Kind } from "../kinds/kind.js";
import { loadSettings, type Config, type Environment, type Settings } from "../settings/index.js";
import { importAdapters, type AdapterModule } from "./adapter-modules.js";

export { CONFIG_FILES } from "../settings/project-file.js";
export { registerAdapters } from "./register.js";

export interface LoadProjectOptions {
  /** the project folder; default the working directory */
  cwd?: string;
  /** the environment; default the process's (core/settings/environment.ts) */
  env?: Environment;
  /** default the registry (core/kinds/index.ts) */
  kinds?: readonly Kind[];
  /** false: read the config only, without importing the adapter modules (`koogate events`); default true */
  importAdapters?: boolean;
}

export interface MerchantProject {
  /** the config file read (absolute), or undefined when the folder has none */
  configFile?: string;
  /** every setting: the environment's, with the project file's products folder and database */
  settings: Settings;
  /** the server's part of `settings` */
  config: Config;
  /** every adapter class the project's modules export */
  adapters: AdapterClass[];
  /** what the merchant does to make an adapter class known, for the "unknown adapter" message */
  adapterHint: string;
}

/**
 * Reads the settings (project file and environment) and imports the project's adapter modules.
 * @throws SetupError naming the merchant's file (the config, or an adapter module), or SettingsError
 */
export async function loadProject(opts: LoadProjectOptions = {}): Promise<MerchantProject> {
  const settings = await loadSettings({ cwd: opts.cwd, env: opts.env });
  const file = settings.project!;
  const { adapters, modules } = opts.importAdapters === false ? { adapters: [], modules: [] } : await importAdapters(file, opts.kinds ?? KINDS);
  return { configFile: file.file, settings, config: settings.server, adapters: adapters.map((a) => a.cls), adapterHint: hintText(file.file ? file.label : undefined, file.at, modules) };
}

/** What the "unknown adapter" message tells the merchant to do, naming their config file. */
function hintText(label: string | undefined, at: string, modules: AdapterModule[]): string {
  if (!label) return `there is no koogate config here: run npx koogate init, or create koogate.config.json with "adapters": ["dist/adapters/your-adapter.js"]`;
  const listed = modules.length
    ? modules.map((m) => `${m.module} exports ${m.exports.length ? m.exports.join(", ") : "no adapter class"}`).join("; ")
    : "it lists no module yet";
  return `export the class (with a static kind) from a module listed in ${label} ${at}/adapters, and rebuild (${listed})`;
}
