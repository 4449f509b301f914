/**
 * The effective value of every setting, as `koogate check` prints it: the value given, else the
 * default (or where it came from: the project file). A secret is never shown: `***` when set.
 */
import { redactUrl } from "../store/database.js";
import type { Settings } from "./index.js";
import { SETTING_TABLE, type SettingPart, type SettingRow } from "./table.js";

export interface EffectiveSetting {
  variable: string;
  part: SettingPart;
  /** what is used: the value, `***` for a set secret, or the default */
  value: string;
  /** where the value comes from */
  source: "environment" | "project file" | "default" | "not set";
}

/** One row per variable of the table, benchmarks' and tests' own excepted. */
export function effectiveSettings(settings: Settings): EffectiveSetting[] {
  return SETTING_TABLE.filter((r) => r.part !== "bench" && r.part !== "testing").map((row: SettingRow) => {
    const given = settings.env[row.variable]?.trim();
    if (given) return { variable: row.variable, part: row.part, value: row.secret ? "***" : given, source: "environment" };
    const fromProject = settings.project?.file ? projectValue(row.variable, settings) : undefined;
    if (fromProject !== undefined) return { variable: row.variable, part: row.part, value: fromProject, source: "project file" };
    const computed = COMPUTED[row.variable]?.(settings);
    if (computed !== undefined) return { variable: row.variable, part: row.part, value: computed, source: "default" };
    if (row.default === undefined) return { variable: row.variable, part: row.part, value: "", source: "not set" };
    return { variable: row.variable, part: row.part, value: String(row.default), source: "default" };
  });
}

/** Defaults chosen at start (the machine, another setting): the value chosen, not the rule. */
const COMPUTED: Record<string, (s: Settings) => string> = {
  KOOGATE_LOG_FORMAT: (s) => s.server.logFormat,
  KOOGATE_ADAPTER_CONCURRENCY: (s) => String(s.server.adapterConcurrency),
  KOOGATE_OPS_SECURE_COOKIE: (s) => s.ops.opsSecureCookie,
  KOOGATE_MARKETPLACE_FALLBACK_URL: (s) => s.marketplace.fallbackUrl ?? "none",
};

/** The products folder and database a project file sets (the URL without its password). */
function projectValue(variable: string, settings: Settings): string | undefined {
  const s = settings.project!.settings;
  if (variable === "KOOGATE_PRODUCTS" && s.products !== undefined) return settings.server.productsDir;
  if (variable === "KOOGATE_DATABASE_URL" && s.database !== undefined) return redactUrl(settings.server.databaseUrl);
  return undefined;
}
