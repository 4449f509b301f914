/**
 * Reconciliation's gathering: the orders koogate knows (its instances, and the notified orders without
 * one), one query order per order id, the comparison (core/ops/reconcile.ts), the usage records the
 * marketplace has not acknowledged, and the report stored for the operator page. `koogate reconcile` and the
 * optional daily run (`KOOGATE_RECONCILE_AT`) both call `reconcile`.
 */
import type { MarketplaceResult } from "../marketplace/answers.js";
import type { OrderInfo } from "../marketplace/data.js";
import { UsageStore } from "../metering/store.js";
import { OrderStore } from "../orders/store.js";
import { InstanceStore } from "../store/instances.js";
import { ReconciliationStore } from "../store/reconciliations.js";
import type { Knex } from "../tokens.js";
import { awaitingInstance, compareOrder, usageMismatch, type KnownOrder, type Mismatch, type ReconcileReport } from "./reconcile.js";
import { PROVISIONING_DEADLINE_MS } from "../settings/timings.js";

/** Where known orders come from: the instances, and the notified orders. */
export type KnownOrderSource = (since: number | undefined) => Promise<KnownOrder[]>;

/** Every order line koogate provisioned an instance for (changed since `since`, when given). */
export function ordersFromInstances(db: Knex): KnownOrderSource {
  const instances = new InstanceStore(db);
  return async (since) =>
    (await instances.list({ since })).map((i) => ({
      productId: i.productId,
      orderId: i.orderId,
      orderLineId: i.orderLineId,
      instance: { instanceId: i.instanceId, state: i.state, expireAt: i.expireAt, createdAt: i.createdAt },
    }));
}

/**
 * The lines of notified `NEW` orders (koogate_order_lines) with no instance for their order, stored since
 * `since` when given. Lines with an instance are compared through it (`ordersFromInstances`).
 */
export function ordersFromNotifications(db: Knex): KnownOrderSource {
  const orders = new OrderStore(db);
  return async (since) =>
    (await orders.unprovisioned({ since })).map((l) => ({ productId: l.productId, orderId: l.orderId, orderLineId: l.orderLineId, notifiedAt: l.fetchedAt }));
}

/** The default sources: instances and notified orders. */
export const defaultSources = (db: Knex): KnownOrderSource[] => [ordersFromInstances(db), ordersFromNotifications(db)];

export interface ReconcileOptions {
  db: Knex;
  /** the query-order call: a `MarketplaceClient`'s */
  queryOrder(q: { orderId: string }): Promise<MarketplaceResult<OrderInfo>>;
  /** only orders whose instance changed since then (ms); default all */
  since?: number;
  /** default `defaultSources` (instances and notified orders) */
  sources?: readonly KnownOrderSource[];
  /** a usage record still pending this long after it was recorded was due (the push interval); default 1 h */
  usageDueMs?: number;
  /** check the usage records too; default true */
  checkUsage?: boolean;
  /** default Date.now() */
  nowMs?: number;
  /** an instance provisioning longer than this is not provisioned; default 1 h */
  provisioningDeadlineMs?: number;
  /** store the report for the operator page; default true */
  save?: boolean;
}

/** Default of `provisioningDeadlineMs`: the alarm's too (core/settings/timings.ts). */
export { PROVISIONING_DEADLINE_MS };

/** Default of `usageDueMs`: the default push interval (KOOGATE_USAGE_FLUSH_SECONDS). */
export const USAGE_DUE_MS = 3_600_000;

/** Compares every known order with the marketplace's answer; resolves to the report (also stored). */
export async function reconcile(o: ReconcileOptions): Promise<ReconcileReport> {
  const nowMs = o.nowMs ?? Date.now();
  const compare = { nowMs, provisioningDeadlineMs: o.provisioningDeadlineMs ?? PROVISIONING_DEADLINE_MS };
  // a notified line still within its deadline is not asked about: nothing to compare yet
  const known = (await Promise.all((o.sources ?? defaultSources(o.db)).map((s) => s(o.since)))).flat().filter((k) => !awaitingInstance(k, compare));
  // one query per order: its lines come back together
  const answers = new Map<string, Promise<MarketplaceResult<OrderInfo>>>();
  const mismatches: Mismatch[] = [];
  for (const k of known) {
    let a = answers.get(k.orderId);
    if (!a) answers.set(k.orderId, (a = o.queryOrder({ orderId: k.orderId })));
    mismatches.push(...compareOrder(k, await a, compare));
  }
  if (o.checkUsage ?? true) {
    const usage = await new UsageStore(o.db).unacknowledged({ dueBefore: nowMs - (o.usageDueMs ?? USAGE_DUE_MS), since: o.since });
    mismatches.push(...usage.map(usageMismatch));
  }
  const report: ReconcileReport = { at: nowMs, orders: known.length, mismatches };
  if (o.save ?? true) await new ReconciliationStore(o.db).save(report);
  return report;
}
