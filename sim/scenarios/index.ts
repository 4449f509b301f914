/**
 * The scenario registry: every scenario `koogate sim` knows, in the order `--help` lists them — each
 * registered kind's (`Kind.scenarios`, core/kinds/<kind>/scenarios/), in the registry's order. To add
 * one, write it in its kind's folder and list it in that kind's scenarios; the runner and the CLI
 * pick it up. The scenarios several kinds play (delivery, order notification, usage) and the steps
 * they share are kind-free templates in core/simulation/scenarios/, with the toolkit every scenario
 * builds on (core/simulation/: what a scenario is, request builders, the judge).
 */
import { KINDS } from "../../core/kinds/index.js";
import type { Kind } from "../../core/kinds/kind.js";
import type { Scenario } from "../../core/simulation/scenario.js";

/** The scenarios of `kinds`, in their order. */
export function scenariosOf(kinds: readonly Kind[]): readonly Scenario[] {
  return kinds.flatMap((k) => k.scenarios ?? []);
}

/** The scenarios of the kinds registered now (a kind registered later brings its own). */
export function scenarios(): readonly Scenario[] {
  return scenariosOf(KINDS);
}

/** The scenarios of the kinds registered when this module loaded (the built-in kinds'): see scenarios(). */
export const SCENARIOS: readonly Scenario[] = scenarios();

export function findScenario(name: string): Scenario | undefined {
  return scenarios().find((s) => s.name === name);
}
