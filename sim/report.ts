/**
 * How a run reads on a terminal: one line per step (number, activity, result code, latency, verdict,
 * what it was for and why it failed), then one summary line. `--json` prints the RunReport instead.
 */
import type { RunReport } from "./runner.js";
import type { StepResult } from "../core/simulation/scenario.js";

export function formatHeader(r: Pick<RunReport, "product" | "scenario" | "url">): string {
  return `koogate sim ${r.product} ${r.scenario} → ${r.url}`;
}

export function formatStep(s: StepResult): string {
  const latency = s.latencyMs === undefined ? "" : `${s.latencyMs.toFixed(1)} ms`;
  const about = [s.label, ...(s.verdict === "FAIL" ? s.failures : s.note ? [s.note] : [])].filter(Boolean).join(" · ");
  return `${String(s.n).padStart(3)}  ${s.activity.padEnd(21)} ${(s.resultCode ?? "-").padEnd(6)} ${latency.padStart(9)}  ${s.verdict}  ${about}`.trimEnd();
}

export function formatSummary(r: RunReport): string {
  const { steps, passed, failed, durationMs } = r.summary;
  return failed === 0
    ? `PASS  ${r.scenario}: ${passed} of ${steps} steps passed in ${durationMs} ms`
    : `FAIL  ${r.scenario}: ${failed} of ${steps} steps failed in ${durationMs} ms`;
}
