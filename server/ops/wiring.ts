/**
 * The operations side of one server, created by the composition root once the kernel has started:
 * the metrics (fed by the pipeline through the call observer, the outbox table and the marketplace
 * client), the readiness probe, the delisting-risk alarm (which reads the event log) and the optional
 * daily reconciliation.
 */
import type { Kernel } from "../../core/kernel.js";
import { allMigrations } from "../../core/kernel.js";
import type { Logger } from "../../core/logger.js";
import { MarketplaceClient } from "../../core/marketplace/client.js";
import { Alarm } from "../../core/ops/alarm.js";
import { nextDailyRun, type OpsConfig } from "../../core/settings/ops.js";
import type { MarketplaceConfig } from "../../core/settings/marketplace.js";
import { registerConditionGauges } from "../../core/ops/condition-gauges.js";
import { HealthProbe } from "../../core/ops/health.js";
import { Metrics } from "../../core/ops/metrics.js";
import type { CallObserver } from "../../core/ops/observer.js";
import { reconcile } from "../../core/ops/reconciler.js";
import { reportTable } from "../../core/ops/reconcile.js";
import { Outbox } from "../../core/outbox/outbox.js";
import { UsageStore } from "../../core/metering/store.js";
import { OrderStore } from "../../core/orders/store.js";
import { InstanceStore } from "../../core/store/instances.js";
import { StoredAlarms } from "../../core/store/alarms.js";
import { claimDailyRun } from "../../core/store/daily-runs.js";
import { callShares } from "../../core/store/call-shares.js";
import { JobStore } from "../../core/store/jobs.js";
import type { Clock, Knex } from "../../core/tokens.js";
import type { DependencyContainer } from "tsyringe";

export interface Ops {
  config: OpsConfig;
  metrics: Metrics;
  alarm: Alarm;
  health: HealthProbe;
  /** what the pipeline reports each call to */
  observer: CallObserver;
  stop(): Promise<void>;
}

export interface OpsDeps {
  config: OpsConfig;
  kernel: Kernel;
  container: DependencyContainer;
  db: Knex;
  clock: Clock;
  logger: Logger;
  /** where the daily reconciliation asks the marketplace */
  marketplace: MarketplaceConfig;
  /** a usage record still pending this long after it was recorded was due (the push interval, ms) */
  usageDueMs: number;
}

export function createOps(d: OpsDeps): Ops {
  const now = () => d.clock.now();
  const jobs = d.container.resolve(JobStore);
  const instances = d.container.resolve(InstanceStore);
  const outbox = d.container.resolve(Outbox);
  const orders = d.container.resolve(OrderStore);
  const usage = d.container.resolve(UsageStore);
  const metrics = new Metrics({ products: d.kernel.products().map((p) => p.id), processName: d.config.processName });
  metrics.setOutboxSource(async () => {
    const f = await jobs.figures(now());
    return { jobs: f.jobs, oldestPendingSeconds: f.oldestPendingSeconds };
  });
  metrics.setUsagePendingSource(() => usage.pendingCount());
  const alarm = new Alarm({
    // raised conditions in the database: every process on it raises and posts each one once
    raised: new StoredAlarms(d.db),
    webhookUrl: d.config.alertWebhook,
    format: d.config.alertFormat,
    windowMs: d.config.alertWindowMs,
    threshold: d.config.alertThreshold,
    minCalls: d.config.alertMinCalls,
    checkMs: d.config.alertCheckMs,
    provisioningDeadlineMs: d.config.provisioningDeadlineMs,
    callShares: (since) => callShares(d.db, d.kernel.products().map((p) => p.id), since),
    parkedJobs: () => jobs.failedByProduct(),
    provisioningBefore: (before) => instances.provisioningSince(before),
    unprovisionedOrdersBefore: (before) => orders.unprovisionedBefore(before),
    logger: d.logger,
    now,
  });
  alarm.start();
  const health = new HealthProbe({
    db: d.db,
    migrations: Object.keys(allMigrations(d.kernel.kinds)),
    outboxPolledAt: () => outbox.polledAt,
    products: () => d.kernel.products().length,
    now,
  });
  health.start();
  registerConditionGauges(metrics.registry, { alerts: () => alarm.standing(), readiness: () => health.status() });
  const daily = d.config.reconcileAt ? scheduleReconcile(d, metrics) : undefined;
  return {
    config: d.config,
    metrics,
    alarm,
    health,
    // the alarm reads the calls from the event log (every process's), so only the metrics listen
    observer: metrics,
    async stop() {
      health.stop();
      daily?.stop();
      await alarm.stop();
    },
  };
}

/**
 * The daily reconciliation at `KOOGATE_RECONCILE_AT` (UTC), run by one process of those sharing the
 * database (the first to claim the day); its report goes to the log and the /ops page.
 */
function scheduleReconcile(d: OpsDeps, metrics: Metrics): { stop(): void } {
  const at = d.config.reconcileAt!;
  const client = MarketplaceClient.fromSettings(d.marketplace, { logger: d.logger, onCall: (api, family) => metrics.marketplaceCall(api, family) });
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const wait = nextDailyRun(at, Date.now()) - Date.now();
    timer = setTimeout(run, wait);
    timer.unref();
  };
  const run = () => {
    // with several processes on the database, the one that claims the day runs it (the marketplace is asked once per order)
    claimDailyRun(d.db, "reconcile", Date.now())
      .then(async (mine) => {
        if (!mine) return d.logger.info("reconciliation: another koogate process on this database runs today's", {});
        const r = await reconcile({ db: d.db, queryOrder: (q) => client.queryOrder(q), provisioningDeadlineMs: d.config.provisioningDeadlineMs, usageDueMs: d.usageDueMs });
        (r.mismatches.length ? d.logger.error : d.logger.info)("reconciliation", { orders: r.orders, mismatches: r.mismatches.length, report: r.mismatches.length ? reportTable(r) : undefined });
      })
      .catch((e: Error) => d.logger.error("reconciliation could not run", { error: e.message }))
      .finally(arm);
  };
  arm();
  return { stop: () => clearTimeout(timer) };
}
