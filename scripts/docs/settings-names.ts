/**
 * The environment variables the settings reference (docs/reference/settings.md) documents, and those
 * the code reads, for the test that neither has a name the other lacks. What the code reads: the
 * settings koogate declares (core/settings/table.ts SETTINGS), the key variables the shipped product definitions
 * name, and every `KOOGATE_…`/`DEMO_…` name the sources (core, server, bin, sim, testing, adapters) spell out.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { SETTINGS } from "../../core/settings/index.js";
import { proseLines } from "./markdown.js";

export const SETTINGS_REFERENCE_FILE = "docs/reference/settings.md";

const NAME = /^[A-Z][A-Z0-9_]*[A-Z0-9]$/;

/** The names in the first column of the page's tables. */
export function documentedVariables(markdown: string): Set<string> {
  const names = new Set<string>();
  for (const { line } of proseLines(markdown)) {
    const first = /^\|([^|]*)\|/.exec(line)?.[1];
    if (!first) continue;
    for (const m of first.matchAll(/`([^`]+)`/g)) if (NAME.test(m[1]!)) names.add(m[1]!);
  }
  return names;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts"))
    .map((e) => join(e.parentPath, e.name));
}

/** The key variables the definitions in `productsDir` name (keys, gatewayKeys, privateKey.env). */
function productVariables(productsDir: string): string[] {
  const names: string[] = [];
  const collect = (v: unknown): void => {
    if (typeof v === "string" && NAME.test(v)) names.push(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === "object") Object.values(v).forEach(collect);
  };
  for (const f of readdirSync(productsDir).filter((f) => f.endsWith(".yaml"))) {
    const def = parse(readFileSync(join(productsDir, f), "utf8")) as Record<string, unknown>;
    collect(def.keys);
    collect(def.gatewayKeys);
    collect((def.jointOperation as { privateKey?: unknown } | undefined)?.privateKey);
  }
  return names;
}

/** Every variable the code reads, from the repository at `root`. */
export function readVariables(root: string): Set<string> {
  // npm_lifecycle_event is npm's own (koogate only notices it was started by npm): not a setting to document
  const names = new Set<string>([...SETTINGS.filter((n) => NAME.test(n)), ...productVariables(join(root, "products"))]);
  const texts = ["core", "server", "bin", "sim", "testing", "adapters"].flatMap((dir) => sources(join(root, dir)).map((f) => readFileSync(f, "utf8")));
  // a constant spelled like a variable (DEMO_LICENSE_KEY_VARIABLE) is a name in the code, not a setting
  const constants = new Set(texts.flatMap((t) => [...t.matchAll(/\b(?:const|let|var)\s+([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!)));
  for (const text of texts) {
    for (const m of text.matchAll(/\b(?:KOOGATE|DEMO)_[A-Z0-9_]*[A-Z0-9]\b(?!_)/g)) if (!constants.has(m[0])) names.add(m[0]);
  }
  return names;
}
