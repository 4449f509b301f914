/**
 * What a scenario is, and what it may do while it runs. A scenario is declared by a kind
 * (`Kind.scenarios`, core/kinds/<kind>/scenarios/) and listed by the registry (sim/scenarios/index.ts);
 * the runner (sim/runner.ts) knows nothing of any particular scenario. A scenario builds requests
 * (./requests/: one builder per signing scheme, each using the core module the server verifies with),
 * hands them to `ctx.exchange`, and states what it expects; the runner sends (./wire.ts), judges
 * (./judge.ts) and records one step per exchange. This toolkit lives in core/ because the kinds'
 * scenarios build on it and core/ imports nothing outside it; sim/ runs the scenarios.
 *
 * One request builder per signing scheme: requests/basic.ts (2.0 query signature, docs/marketplace/saas.md §2.1),
 * requests/kit.ts (joint-operation `x-sign`, §2.2), requests/v1.ts (1.0 `authToken` GET, §2.3). Each
 * scenario declares the kind of product it plays and what else it needs (`misfit` below), so the CLI
 * refuses to play it against a product that lacks them.
 */
import type { ProductBase } from "../products/definition.js";
import type { ResultCode } from "../vocabulary.js";
import type { Expectation, Judgement } from "./judge.js";
import type { SimTarget } from "./target.js";
import type { WireReply, WireRequest } from "./wire.js";
import { withArticle } from "../article.js";
import type { Environment } from "../settings/reader.js";

/** A command-line option of a scenario (`--<name>`), parsed with node:util parseArgs. */
export interface ScenarioOption {
  type: "string" | "boolean";
  /** one line for `--help` */
  description: string;
  /** shown in `--help` and used when the option is absent */
  default?: string;
}

export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

export interface Scenario {
  /** what is typed after the product: `koogate sim <product> <name>` */
  name: string;
  /** one line for the scenario list */
  summary: string;
  /** the kind of product it plays the marketplace for */
  kind: string;
  /** what it needs of a product of that kind, for `--help` (e.g. "protocol v2, joint-operation sync") */
  needs?: string;
  /** why `product` (of the scenario's kind) cannot be played, as a phrase after the scenario's name ("is for protocol v1 products; …"), or null when it can; default: any can */
  fits?(product: ProductBase): string | null;
  /** its own options, besides the common ones (--url, --json, --test, --timeout) */
  options?: Readonly<Record<string, ScenarioOption>>;
  /**
   * Plays the scenario. Expectations that fail are recorded, not thrown; throw `ScenarioAbort` when a
   * later step cannot be built (no instanceId to act on), and a usage `Error` for a bad option value.
   */
  run(ctx: ScenarioContext): Promise<void>;
}

/** Why `scenario` cannot be played against `product` (a usage error), or null when it can. */
export function misfit(scenario: Scenario, product: ProductBase): string | null {
  if (scenario.kind !== product.kind) return `${scenario.name} is for ${scenario.kind} products; ${product.id} is ${withArticle(product.kind)} product`;
  const why = scenario.fits?.(product) ?? null;
  return why === null ? null : `${scenario.name} ${why}`;
}

/** Stops a scenario early: the reason is recorded as a failed step. */
export class ScenarioAbort extends Error {
  override name = "ScenarioAbort";
}

/** A bad option value: reported as a usage error, before anything is sent. */
export class ScenarioUsageError extends Error {
  override name = "ScenarioUsageError";
}

/** What one step did and decided. */
export interface StepResult {
  /** 1-based */
  n: number;
  /** the activity sent, or the name of a check across answers */
  activity: string;
  /** what this step was for, e.g. "resend 3 of 5 (concurrent)" */
  label?: string;
  resultCode?: string;
  /** rounded to 0.1 ms; absent for checks across answers */
  latencyMs?: number;
  verdict: "PASS" | "FAIL";
  /** why it failed; empty on PASS */
  failures: string[];
  /** what was seen, for the reader (an instanceId, "credentials present") */
  note?: string;
}

/** One exchange's full record, returned to the scenario. */
export interface Exchanged {
  step: StepResult;
  request: WireRequest;
  reply: WireReply;
  judgement: Judgement;
}

export interface ScenarioContext {
  readonly target: SimTarget;
  /** the scenario's own option values, defaults applied */
  readonly options: OptionValues;
  /** a string option (default applied); throws ScenarioUsageError when required and absent */
  option(name: string, required?: boolean): string | undefined;
  /** sends `request`, judges the answer against `expect`, records and returns one step */
  exchange(activity: string, request: WireRequest, expect: Expectation | ResultCode, label?: string): Promise<Exchanged>;
  /** records a check across answers: `failure` null = PASS */
  check(name: string, failure: string | null, note?: string): StepResult;
  /** the environment of the run (`KOOGATE_MARKETPLACE_URL`, `KOOGATE_DATABASE_URL`), for scenarios that look beyond the answers */
  readonly env: Environment;
  /** the clock the requests are signed with (ms) */
  now(): number;
  sleep(ms: number): Promise<void>;
}
