/**
 * Gauges that put the alarm's conditions and the readiness checks where Prometheus can alert on them
 * (deploy/prometheus/koogate-rules.yaml): the same conditions koogate evaluates, so an operator's own
 * alerting and koogate's webhook agree. Both are read from the database by the alarm and the probe,
 * so every process reports the same values (Prometheus takes the max over processes).
 */
import { Gauge, type Registry } from "prom-client";
import { ALARM_CONDITIONS, type Alert } from "./alarm.js";
import type { Readiness } from "./health.js";

export interface ConditionSources {
  /** the alarm's conditions found at its last check */
  alerts: () => readonly Alert[];
  readiness: () => Readiness;
}

/** Registers `koogate_alarm_condition` and `koogate_readiness_check_ok` in `registry`. */
export function registerConditionGauges(registry: Registry, s: ConditionSources): void {
  const conditions: Gauge<"product" | "condition"> = new Gauge({
    name: "koogate_alarm_condition",
    help: "The delisting-risk alarm's conditions at its last check, per product: the figure that raised it (a share 0-1 or a count); no sample when not raised",
    labelNames: ["product", "condition"],
    registers: [registry],
    collect: () => {
      conditions.reset();
      for (const a of s.alerts()) if ((ALARM_CONDITIONS as readonly string[]).includes(a.condition)) conditions.set({ product: a.product, condition: a.condition }, a.figure);
    },
  });
  const ready: Gauge<"check"> = new Gauge({
    name: "koogate_readiness_check_ok",
    help: "Each readiness check of /readyz: 1 when it holds, 0 when not",
    labelNames: ["check"],
    registers: [registry],
    collect: () => {
      ready.reset();
      for (const [check, c] of Object.entries(s.readiness().checks)) ready.set({ check }, c.ok ? 1 : 0);
    },
  });
}
