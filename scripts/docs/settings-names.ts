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

/** A key variable a product definition names: the listing, the key's role in it, and the variable. */
export interface ProductKeyVariable {
  readonly product: string;
  /** `keys.<role>` (`basic`, `kit`, `license`, `general`), `gatewayKeys.key`/`.secret`, or `privateKey` */
  readonly role: string;
  /** 0 for the first name of a list (required), 1… for the extra keys accepted during a rotation */
  readonly index: number;
  readonly variable: string;
}

/** The key variables the definitions in `productsDir` name (keys, gatewayKeys, jointOperation.privateKey.env), file by file. */
export function productKeyVariables(productsDir: string): ProductKeyVariable[] {
  const out: ProductKeyVariable[] = [];
  for (const f of readdirSync(productsDir).filter((f) => f.endsWith(".yaml")).sort()) {
    const def = parse(readFileSync(join(productsDir, f), "utf8")) as Record<string, unknown>;
    const product = String(def.id);
    const add = (role: string, index: number, v: unknown): void => {
      if (typeof v === "string" && NAME.test(v)) out.push({ product, role, index, variable: v });
    };
    for (const [role, names] of Object.entries((def.keys ?? {}) as Record<string, unknown>)) {
      (Array.isArray(names) ? names : [names]).forEach((v, i) => add(`keys.${role}`, i, v));
    }
    ((def.gatewayKeys ?? []) as { key?: unknown; secret?: unknown }[]).forEach((pair, i) => {
      add("gatewayKeys.key", i, pair.key);
      add("gatewayKeys.secret", i, pair.secret);
    });
    add("privateKey", 0, (def.jointOperation as { privateKey?: { env?: unknown } } | undefined)?.privateKey?.env);
  }
  return out;
}

/** Every variable the code reads, from the repository at `root`. */
export function readVariables(root: string): Set<string> {
  // npm_lifecycle_event is npm's own (koogate only notices it was started by npm): not a setting to document
  const names = new Set<string>([...SETTINGS.filter((n) => NAME.test(n)), ...productKeyVariables(join(root, "products")).map((k) => k.variable)]);
  const texts = ["core", "server", "bin", "sim", "testing", "adapters"].flatMap((dir) => sources(join(root, dir)).map((f) => readFileSync(f, "utf8")));
  // a constant spelled like a variable (DEMO_LICENSE_KEY_VARIABLE) is a name in the code, not a setting
  const constants = new Set(texts.flatMap((t) => [...t.matchAll(/\b(?:const|let|var)\s+([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!)));
  for (const text of texts) {
    for (const m of text.matchAll(/\b(?:KOOGATE|DEMO)_[A-Z0-9_]*[A-Z0-9]\b(?!_)/g)) if (!constants.has(m[0])) names.add(m[0]);
  }
  return names;
}
