/**
 * The settings module: every environment variable koogate reads (core/settings/table.ts) and the
 * merchant's project file (core/settings/project-file.ts), read in this one place, parsed once at start
 * into one frozen `Settings`, and handed to everything else (the `SETTINGS_TOKEN` of the container, or
 * plain parameters). Every problem is collected and reported at once, one line each: the variable, the
 * value given (never a secret's) and what is expected.
 *
 * Environment variables win over the project file: `KOOGATE_PRODUCTS` over `products`,
 * `KOOGATE_DATABASE_URL` over `database` (a deployment overrides what the project ships).
 */
import { isAbsolute, resolve } from "node:path";
import { processEnvironment } from "./environment.js";
import { readMarketplaceSettings, type MarketplaceConfig } from "./marketplace.js";
import { readOpsSettings, type OpsConfig } from "./ops.js";
import { readProjectConfig, shown, type ProjectConfigFile } from "./project-file.js";
import { SettingsReader, type Environment } from "./reader.js";
import { SETTING_TABLE as TABLE, type SettingRow, type SettingVariable } from "./table.js";
import { DEFAULT_DATABASE_URL, DEFAULT_PRODUCTS_DIR, readServerSettings, type Config } from "./server.js";

export interface Settings {
  readonly server: Readonly<Config>;
  readonly ops: Readonly<OpsConfig>;
  readonly marketplace: Readonly<MarketplaceConfig>;
  /**
   * A read-only view of the environment, for the variables a product definition names (its keys) and
   * an adapter's own: the names are the merchant's, so they are not in the table.
   */
  readonly env: Environment;
  /** the project file read; undefined when the settings were read without one */
  readonly project?: Readonly<ProjectConfigFile>;
}

export interface ReadSettingsOptions {
  /** whether stderr is a terminal, for the default log format; default the process's */
  stderrIsTTY?: boolean;
  /** the project file, whose `products` and `database` apply where the variables are unset */
  project?: ProjectConfigFile;
}

/**
 * Reads every setting of `env` (default the process's).
 * @throws SettingsError listing every problem
 */
export function readSettings(env: Environment = processEnvironment(), opts: ReadSettingsOptions = {}): Settings {
  const r = new SettingsReader(env);
  let server = readServerSettings(r, opts.stderrIsTTY ?? process.stderr.isTTY === true);
  const ops = readOpsSettings(r);
  const marketplace = readMarketplaceSettings(r);
  r.finish();
  const project = opts.project;
  if (project) {
    const s = project.settings;
    server = {
      ...server,
      productsDir: r.text("KOOGATE_PRODUCTS") ?? shown(resolve(project.root, s.products ?? DEFAULT_PRODUCTS_DIR)),
      databaseUrl: r.text("KOOGATE_DATABASE_URL") ?? databaseUrl(s.database ?? DEFAULT_DATABASE_URL, project.root),
    };
  }
  return Object.freeze({ server: Object.freeze(server), ops: Object.freeze(ops), marketplace: Object.freeze(marketplace), env: Object.isFrozen(env) ? env : Object.freeze({ ...env }), project: project && Object.freeze(project) });
}

/**
 * Reads the project file of `cwd` (or the one `KOOGATE_CONFIG` names) and every setting.
 * @throws SetupError naming the project file, or SettingsError listing every problem of the variables
 */
export async function loadSettings(opts: { cwd?: string; env?: Environment; stderrIsTTY?: boolean } = {}): Promise<Settings> {
  const env = opts.env ?? processEnvironment();
  const project = await readProjectConfig(opts.cwd ?? process.cwd(), env);
  return readSettings(env, { stderrIsTTY: opts.stderrIsTTY, project });
}

/** A relative SQLite path is relative to the project file, wherever the command runs. */
function databaseUrl(url: string, root: string): string {
  if (!url.startsWith("sqlite:")) return url;
  const path = url.slice("sqlite:".length);
  if (path === "" || path === ":memory:" || isAbsolute(path)) return url;
  return `sqlite:${shown(resolve(root, path))}`;
}

/**
 * A variable of the table as given (trimmed), undefined when unset: for a tool that acts only when the
 * merchant named something (the simulator's local marketplace and database), not on the default.
 */
export function givenSetting(env: Environment, variable: SettingVariable): string | undefined {
  return new SettingsReader(env).text(variable);
}

/** `settings` with some of the server's settings replaced (a test's or a benchmark's own folder, database, port). */
export function withServer(settings: Settings, server: Partial<Config>): Settings {
  return Object.freeze({ ...settings, server: Object.freeze({ ...settings.server, ...server }) });
}

/** The server's part of the settings of `env` (a test's or a benchmark's own server config). @throws SettingsError */
export function loadConfig(env: Environment = processEnvironment(), stderrIsTTY = process.stderr.isTTY === true): Config {
  return readSettings(env, { stderrIsTTY }).server;
}

export { processEnvironment, environmentOf } from "./environment.js";
export { SettingsError, type Environment, type SettingProblem } from "./reader.js";
export { SETTINGS, type SettingRow, type SettingPart, type SettingVariable } from "./table.js";

/** Every variable koogate reads, one row each (core/settings/table.ts): what the settings reference is made from. */
export const SETTING_TABLE: readonly SettingRow[] = TABLE;
export { effectiveSettings, type EffectiveSetting } from "./effective.js";
export type { Config, MarketplaceConfig, OpsConfig, ProjectConfigFile };

/** The operations part of the settings of `env` alone. @throws SettingsError */
export function opsSettings(env: Environment): OpsConfig {
  return readSettings(env, { stderrIsTTY: false }).ops;
}

/** The marketplace part of the settings of `env` alone. @throws SettingsError */
export function marketplaceSettings(env: Environment): MarketplaceConfig {
  return readSettings(env, { stderrIsTTY: false }).marketplace;
}
