/**
 * `koogate check`: loads every product definition exactly as the server does and prints, per product,
 * its production URL, kind, protocol, adapter and which key variables are set (never their values).
 * Exit 1 with the loader's message (file, path, fix) on any problem.
 */
import { SetupError } from "../../core/errors.js";
import { KINDS } from "../../core/kinds/index.js";
import type { ProductBase } from "../../core/products/definition.js";
import { keyTypes } from "../../core/kinds/registry.js";
import { loadAllProducts } from "../../sim/target.js";
import { loadProject } from "../../core/project/index.js";
import { effectiveSettings, type Settings } from "../../core/settings/index.js";
import { featureProblems, featureSettings, oneSetupError } from "../../core/products/requirements.js";
import { EXIT, optionLines, parse, str, type Io } from "../../core/cli/args.js";

const OPTIONS = {
  url: { type: "string", description: "the server's base URL, to print full production URLs", default: "http://localhost:8080" },
  json: { type: "boolean", description: "print JSON instead of text" },
} as const;

export const checkHelp = [
  "Usage: koogate check [--url <base>] [--json]",
  "",
  "Validates every product definition of the project (its koogate config's products folder, or",
  "KOOGATE_PRODUCTS) with the adapters of its config's modules, exactly as `koogate serve` would,",
  "and prints per product its production URL, kind, protocol, adapter and which key variables are set.",
  "Exits 1 on any problem in the definitions, and with NODE_ENV=production on a feature switched on",
  "without what it needs (the licence relay, order notification or KOOGATE_RECONCILE_AT without",
  "KOOGATE_MARKETPLACE_AK/_SK): exactly what `koogate serve` refuses. Then prints every setting",
  "and the value used (given, from the project file, or the default); secrets only as ***.",
  "",
  ...optionLines({ ...OPTIONS, help: { type: "boolean", description: "show this help" } }),
].join("\n");

export async function check(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, OPTIONS, false);
  if (values.help) {
    io.out(checkHelp);
    return EXIT.ok;
  }
  const base = (str(values, "url") ?? OPTIONS.url.default).replace(/\/+$/, "");
  let loaded: ReturnType<typeof loadAllProducts>;
  let dir: string;
  let unmet: SetupError[];
  let settings: Settings;
  try {
    const project = await loadProject({ env: io.env });
    settings = project.settings;
    dir = project.config.productsDir;
    loaded = loadAllProducts(project.settings, project.adapters, KINDS, { productsDir: dir, adapterHint: project.adapterHint });
    // what `serve` refuses in production (core/products/requirements.ts), refused here too
    unmet = featureProblems(loaded.products, KINDS, { ...featureSettings(project.settings.marketplace), reconcileAt: project.settings.ops.reconcileAt !== undefined });
    if (unmet.length && project.config.production) throw oneSetupError(unmet);
  } catch (e) {
    if (!(e instanceof SetupError)) throw e;
    if (values.json) io.out(JSON.stringify({ ok: false, problem: e.message }));
    else io.err(`koogate check: ${e.message}`);
    return EXIT.failed;
  }
  const { products } = loaded;
  if (values.json) {
    io.out(JSON.stringify({ ok: true, warnings: unmet.map((u) => u.message), products: products.map((p) => describe(p, base)), settings: effectiveSettings(settings) }, null, 2));
    return EXIT.ok;
  }
  for (const p of products) {
    const d = describe(p, base);
    io.out(`${p.id}  (${p.name}, ${p.file})`);
    for (const e of d.endpoints) io.out(`  ${e.what.padEnd(14)}  ${e.method} ${e.url}`);
    io.out(`  kind            ${[p.kind, ...d.facts].join(", ")}, adapter ${p.adapter || "none"}`);
    let first = true;
    for (const type of keyTypes(KINDS)) {
      const vars = p.keyVariables[type] ?? [];
      if (vars.length === 0) continue;
      const text = vars.map((v, i) => `${v.name} ${v.set ? "set" : i === 0 ? "NOT SET (development key)" : "not set (optional)"}`).join(", ");
      io.out(`  ${(first ? "keys" : "").padEnd(14)}  ${type}: ${text}`);
      first = false;
    }
  }
  const unset = products.flatMap((p) => keyTypes(KINDS).flatMap((t) => (p.keyVariables[t] ?? []).slice(0, 1).filter((v) => !v.set)));
  if (unset.length) {
    io.out(`note: ${unset.length} key variable${unset.length === 1 ? " is" : "s are"} not set; outside production the server uses public development keys for ${unset.length === 1 ? "it" : "them"} (NODE_ENV=production refuses to start)`);
  }
  for (const u of unmet) io.out(`warning: ${u.message} (NODE_ENV=production refuses to start)`);
  printSettings(io, settings);
  io.out(`OK  ${products.length} product${products.length === 1 ? "" : "s"} in ${dir}`);
  return EXIT.ok;
}

/** Every setting and the value used: given, from the project file, or the default; a secret only as `***`. */
function printSettings(io: Io, settings: Settings): void {
  const rows = effectiveSettings(settings);
  const width = Math.max(...rows.map((r) => r.variable.length));
  io.out(`settings${settings.project?.file ? ` (project file ${settings.project.label})` : ""}`);
  for (const r of rows) io.out(`  ${r.variable.padEnd(width)}  ${r.source === "not set" ? "not set" : `${r.value}  (${r.source})`}`);
}

/** A product as its kind describes it: what the marketplace calls, and the facts worth checking. */
function describe(p: ProductBase, base: string) {
  const d = KINDS.find((k) => k.name === p.kind)!.describe(p);
  return {
    id: p.id,
    name: p.name,
    file: p.file,
    kind: p.kind,
    facts: d.facts,
    endpoints: d.endpoints.map((e) => ({ ...e, url: `${base}${e.path}` })),
    adapter: p.adapter,
    keys: Object.fromEntries(keyTypes(KINDS).filter((t) => p.keyVariables[t]?.length).map((t) => [t, p.keyVariables[t]!.map((v) => ({ variable: v.name, set: v.set }))])),
  };
}
