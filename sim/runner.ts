/**
 * Runs one scenario against a target: gives it a context, records every step, and sums up. It is the
 * only place that sends (core/simulation/wire.ts) and judges (core/simulation/judge.ts); scenarios only say what to send and
 * what to expect, so a new scenario never touches this file.
 */
import { judge, type Expectation } from "../core/simulation/judge.js";
import { ScenarioAbort, ScenarioUsageError, type Exchanged, type OptionValues, type Scenario, type ScenarioContext, type StepResult } from "../core/simulation/scenario.js";
import type { SimTarget } from "./target.js";
import { deliver, type WireRequest } from "../core/simulation/wire.js";
import { processEnvironment, type Environment } from "../core/settings/index.js";

export interface RunOptions {
  scenario: Scenario;
  target: SimTarget;
  /** the scenario's option values as parsed; defaults are applied here */
  options?: OptionValues;
  /** called as each step is recorded (the CLI prints it at once) */
  onStep?: (step: StepResult) => void;
  /** default Date.now; the clock requests are signed with */
  now?: () => number;
  /** default the process's (core/settings/environment.ts); what a scenario reads beyond its options (the CLI passes its own) */
  env?: Environment;
}

export interface RunReport {
  product: string;
  scenario: string;
  /** the production URL the requests went to */
  url: string;
  passed: boolean;
  steps: StepResult[];
  summary: { steps: number; passed: number; failed: number; durationMs: number };
}

/** Runs `scenario`. Never throws for a failed expectation; throws ScenarioUsageError for a bad option. */
export async function runScenario(opts: RunOptions): Promise<RunReport> {
  const { scenario, target } = opts;
  const steps: StepResult[] = [];
  const now = opts.now ?? Date.now;
  const options: Record<string, string | boolean | undefined> = {};
  for (const [name, o] of Object.entries(scenario.options ?? {})) options[name] = opts.options?.[name] ?? o.default;

  const record = (s: Omit<StepResult, "n">): StepResult => {
    const step = { n: steps.length + 1, ...s };
    steps.push(step);
    opts.onStep?.(step);
    return step;
  };

  const ctx: ScenarioContext = {
    target,
    options,
    option(name, required = false) {
      const v = options[name];
      if (typeof v === "string" && v !== "") return v;
      if (required) throw new ScenarioUsageError(`--${name} is required for ${scenario.name}`);
      return undefined;
    },
    async exchange(activity: string, request: WireRequest, expect, label): Promise<Exchanged> {
      const expectation: Expectation = typeof expect === "string" ? { codes: [expect] } : expect;
      const reply = await deliver(request, target.timeoutMs);
      const judgement = judge(activity, request, reply, expectation);
      const step = record({
        activity,
        label,
        resultCode: judgement.resultCode,
        latencyMs: Math.round(reply.latencyMs * 10) / 10,
        verdict: judgement.failures.length ? "FAIL" : "PASS",
        failures: judgement.failures,
        note: noteOf(judgement.instanceId, judgement.withCredentials, judgement.resultMsg, judgement.resultCode),
      });
      return { step, request, reply, judgement };
    },
    check(name, failure, note) {
      return record({ activity: name, verdict: failure === null ? "PASS" : "FAIL", failures: failure === null ? [] : [failure], note });
    },
    env: opts.env ?? processEnvironment(),
    now,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };

  const t0 = performance.now();
  try {
    await scenario.run(ctx);
  } catch (e) {
    if (!(e instanceof ScenarioAbort)) throw e;
    record({ activity: "(stopped)", verdict: "FAIL", failures: [e.message] });
  }
  if (steps.length === 0) record({ activity: "(nothing)", verdict: "FAIL", failures: ["the scenario sent nothing"] });
  const failed = steps.filter((s) => s.verdict === "FAIL").length;
  return {
    product: target.product.id,
    scenario: scenario.name,
    url: target.productionUrl,
    passed: failed === 0,
    steps,
    summary: { steps: steps.length, passed: steps.length - failed, failed, durationMs: Math.round(performance.now() - t0) },
  };
}

function noteOf(instanceId: string | undefined, withCredentials: string[], resultMsg: string | undefined, code: string | undefined): string | undefined {
  if (instanceId) return `instanceId ${instanceId}${withCredentials.includes(instanceId) ? " · credentials decrypt" : ""}`;
  if (withCredentials.length) return `credentials for ${withCredentials.join(", ")}`;
  if (code && code !== "000000" && resultMsg) return `"${resultMsg.slice(0, 60)}"`;
  return undefined;
}
