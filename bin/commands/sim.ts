/**
 * `koogate sim <product> <scenario>`: plays the marketplace against a running server (sim/). This file
 * only reads the command line and prints; the scenarios, the signing and the checks live in sim/.
 */
import { KINDS } from "../../core/kinds/index.js";
import { loadProject } from "../../core/project/index.js";
import { runScenario } from "../../sim/runner.js";
import { misfit, ScenarioUsageError, type Scenario } from "../../core/simulation/scenario.js";
import { findScenario, scenarios } from "../../sim/scenarios/index.js";
import { formatHeader, formatStep, formatSummary } from "../../sim/report.js";
import { loadTarget, MARKETPLACE_TIMEOUT_MS } from "../../sim/target.js";
import { EXIT, optionLines, parse, str, UsageError, wholeOption, type Io } from "../../core/cli/args.js";

/** Options every scenario takes. */
const COMMON = {
  url: { type: "string", description: "the server's base URL", default: "http://localhost:8080" },
  json: { type: "boolean", description: "print the run as JSON instead of lines" },
  test: { type: "boolean", description: 'send testFlag "1" (a Seller Console debugging call) instead of "0"' },
  timeout: { type: "string", description: "ms to wait for each answer", default: String(MARKETPLACE_TIMEOUT_MS) },
} as const;

/** `koogate sim --help`, listing the scenarios of every kind registered now. */
export const simHelp = () => [
  "Usage: koogate sim <product> <scenario> [options]",
  "       koogate sim <product> <scenario> --help     (the scenario's own options)",
  "",
  "Signs and sends requests as KooGallery does to a running koogate (--url), with the product's key",
  "read from the environment exactly as the server reads it, and checks every answer as the",
  "marketplace would: HTTP 200, a valid result code, a Body-Sign over the exact bytes, the same",
  "instanceId on resends, decryptable credentials. Exits 1 when any expectation fails.",
  "",
  "Scenarios:",
  ...scenarioLines(scenarios()),
  "",
  "Options:",
  ...optionLines({ ...COMMON, help: { type: "boolean", description: "show this help" } }),
].join("\n");

function scenarioLines(list: readonly Scenario[]): string[] {
  const width = Math.max(...list.map((s) => s.name.length));
  return list.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`);
}

function scenarioHelp(s: Scenario): string {
  return [
    `Usage: koogate sim <product> ${s.name} [options]`,
    "",
    `${s.summary} (${s.kind} products${s.needs ? `; needs ${s.needs}` : ""})`,
    "",
    "Options:",
    ...optionLines({ ...(s.options ?? {}), ...COMMON, help: { type: "boolean", description: "show this help" } }),
  ].join("\n");
}

/** The product and scenario words, read before the scenario's own options are known. */
function leadingWords(argv: string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const a = argv[i]!;
    if (!a.startsWith("-")) words.push(a);
    else if (a.startsWith("--") && !a.includes("=") && (COMMON as Record<string, { type: string }>)[a.slice(2)]?.type === "string") i++;
    else if (a.startsWith("--") && a !== "--json" && a !== "--test" && a !== "--help") break;
  }
  return words;
}

export async function sim(argv: string[], io: Io): Promise<number> {
  const words = leadingWords(argv);
  const scenario = findScenario(words[1] ?? "") ?? (words.length === 1 ? findScenario(words[0]!) : undefined);
  if (!scenario) {
    if (argv.includes("--help") || argv.includes("-h") || argv.length === 0) {
      io.out(simHelp());
      return EXIT.ok;
    }
    if (words.length < 2) throw new UsageError("give a product and a scenario: koogate sim <product> <scenario>");
    throw new UsageError(`unknown scenario "${words[1]}"; one of: ${scenarios().map((s) => s.name).join(", ")}`);
  }
  const { values, positionals } = parse(argv, { ...(scenario.options ?? {}), ...COMMON });
  if (values.help) {
    io.out(scenarioHelp(scenario));
    return EXIT.ok;
  }
  if (positionals.length !== 2) throw new UsageError("give a product and a scenario: koogate sim <product> <scenario>");
  const timeoutMs = wholeOption(values, "timeout", { min: 1, max: 3_600_000, dflt: Number(COMMON.timeout.default), unit: "milliseconds" });
  const project = await loadProject({ env: io.env });
  const { target, notes } = loadTarget({
    productId: positionals[0]!,
    baseUrl: str(values, "url"),
    settings: project.settings,
    adapters: project.adapters,
    project: { productsDir: project.config.productsDir, adapterHint: project.adapterHint },
    kinds: KINDS,
    testFlag: values.test ? "1" : "0",
    timeoutMs,
  });
  const why = misfit(scenario, target.product);
  if (why !== null) {
    const fits = scenarios().filter((s) => misfit(s, target.product) === null).map((s) => s.name);
    throw new UsageError(why + (fits.length ? ` (its scenarios: ${fits.join(", ")})` : " (no scenario for it yet)"));
  }
  const json = values.json === true;
  // The header waits for the first step, so that a bad option value is reported alone.
  let headed = json;
  const head = () => {
    if (headed) return;
    headed = true;
    for (const n of notes) io.err(`note: ${n}`);
    io.out(formatHeader({ product: target.product.id, scenario: scenario.name, url: target.productionUrl }));
  };
  let report;
  try {
    report = await runScenario({ scenario, target, options: values, env: io.env, onStep: json ? undefined : (s) => (head(), io.out(formatStep(s))) });
  } catch (e) {
    if (e instanceof ScenarioUsageError) throw new UsageError(`${e.message} (koogate sim <product> ${scenario.name} --help)`);
    throw e;
  }
  head();
  if (json) io.out(JSON.stringify({ ...report, notes }, null, 2));
  else io.out(formatSummary(report));
  return report.passed ? EXIT.ok : EXIT.failed;
}
