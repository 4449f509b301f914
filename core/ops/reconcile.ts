/**
 * Reconciliation's comparison, kept free of I/O: what koogate knows of an order against what query
 * order (docs/marketplace/api-image-openapi.md §3) answers for it. The gathering (core/ops/reconciler.ts)
 * feeds it: known orders come from the instances and from the notified orders (core/orders/), and usage
 * records the marketplace has not acknowledged (core/metering/) are a check of their own.
 *
 * UNCONFIRMED (docs/marketplace/api-image-openapi.md §3, §11.3): query order answers no order status. An order whose
 * `orderType` is `UNSUBSCRIBE` is read as released; an order the marketplace does not know
 * (`MKT.0101`, `MKT.0150`: invalid parameter, not this seller's order) is reported on its own, since
 * koogate cannot tell a withdrawn order from a typo there. Expiry times are compared as UTC
 * (`yyyyMMddHHmmss`, docs/marketplace/saas.md §13: time zone UNCONFIRMED in 2.0), as koogate stored them.
 */
import type { MarketplaceResult } from "../marketplace/answers.js";
import type { OrderInfo } from "../marketplace/data.js";
import { formatMarketplaceTime, parseMarketplaceTime } from "../time.js";

/** An order as koogate knows it: from an instance it provisioned, or from an order notification. */
export interface KnownOrder {
  productId: string;
  orderId: string;
  orderLineId: string;
  /** the instance koogate holds for it; absent when it was notified but never provisioned */
  instance?: {
    instanceId: string;
    /** provisioning, active, frozen, released, failed */
    state: string;
    /** ms since the epoch; null when the order has no expiry */
    expireAt: number | null;
    /** created (ms): an instance still provisioning is only late past the deadline */
    createdAt: number;
  };
  /** when koogate stored the notified order (ms): a line without an instance is only late past the deadline */
  notifiedAt?: number;
}

export const MISMATCH_KINDS = ["not-provisioned", "order-released", "expiry-differs", "order-unknown", "not-checked", "usage-not-acknowledged"] as const;
export type MismatchKind = (typeof MISMATCH_KINDS)[number];

export interface Mismatch {
  kind: MismatchKind;
  productId: string;
  orderId: string;
  orderLineId: string;
  instanceId?: string;
  /** the usage record's metering_sn (usage-not-acknowledged only) */
  meteringSn?: string;
  /** koogate's side, in words */
  koogate: string;
  /** the marketplace's side, in words */
  marketplace: string;
}

export interface ReconcileReport {
  /** when it ran (ms) */
  at: number;
  /** orders compared */
  orders: number;
  mismatches: Mismatch[];
}

/** Marketplace codes meaning "no such order of yours" (docs/marketplace/api-image-openapi.md §3). */
const UNKNOWN_ORDER_CODES = new Set(["MKT.0101", "MKT.0150"]);

/** Instances in these states serve the buyer: their order must still be paid for. */
const LIVE_STATES = new Set(["active", "frozen", "expired", "provisioning"]);

export interface CompareOptions {
  /** now (ms) */
  nowMs: number;
  /** an instance still provisioning this long after it was created counts as not provisioned */
  provisioningDeadlineMs: number;
}

/** A notified line without an instance within the deadline: its newInstance may still come, nothing to compare yet. */
export function awaitingInstance(known: KnownOrder, opts: CompareOptions): boolean {
  return !known.instance && known.notifiedAt !== undefined && opts.nowMs - known.notifiedAt <= opts.provisioningDeadlineMs;
}

/** What is off between one known order and the marketplace's answer for it; empty when they agree. */
export function compareOrder(known: KnownOrder, answer: MarketplaceResult<OrderInfo>, opts: CompareOptions): Mismatch[] {
  if (awaitingInstance(known, opts)) return [];
  const base = { productId: known.productId, orderId: known.orderId, orderLineId: known.orderLineId, instanceId: known.instance?.instanceId };
  const koogate = describeKnown(known);
  if (!answer.ok) {
    const kind: MismatchKind = UNKNOWN_ORDER_CODES.has(answer.code) ? "order-unknown" : "not-checked";
    return [{ ...base, kind, koogate, marketplace: `query order answered ${answer.code}: ${answer.message}` }];
  }
  const order = answer.data;
  const line = order.orderLine.find((l) => l.orderLineId === known.orderLineId) ?? (order.orderLine.length === 1 ? order.orderLine[0] : undefined);
  const marketplace = `order ${order.orderType ?? "?"}${line?.expireTime ? `, expires ${line.expireTime}` : ""}`;
  const inst = known.instance;
  const out: Mismatch[] = [];
  if (order.orderType === "UNSUBSCRIBE") {
    if (inst && LIVE_STATES.has(inst.state)) out.push({ ...base, kind: "order-released", koogate, marketplace });
    return out;
  }
  const late = inst?.state === "provisioning" && opts.nowMs - inst.createdAt > opts.provisioningDeadlineMs;
  if (!inst || inst.state === "failed" || late) {
    out.push({ ...base, kind: "not-provisioned", koogate, marketplace });
    return out;
  }
  const theirs = line?.expireTime ? parseMarketplaceTime(line.expireTime)?.getTime() : undefined;
  // whole seconds: the marketplace writes none finer
  const ours = inst.expireAt === null ? undefined : Math.floor(inst.expireAt / 1000) * 1000;
  if (inst.state !== "released" && theirs !== undefined && ours !== undefined && theirs !== ours) {
    out.push({ ...base, kind: "expiry-differs", koogate, marketplace });
  }
  return out;
}

/** A usage record the marketplace has not acknowledged, as `UsageStore.unacknowledged` reads it. */
export interface UnacknowledgedUsage {
  productId: string;
  instanceId: string;
  meteringSn: string;
  state: "pending" | "pushed" | "rejected";
  beginAt: number;
  endAt: number;
  pushAttempts: number;
  errorCode: string | null;
  errorMsg: string | null;
  createdAt: number;
  orderId: string | null;
  orderLineId: string | null;
}

/**
 * The mismatch of one usage record still pending after its push was due, or rejected: the marketplace's
 * side says why (its abnormal code and message, docs/marketplace/api-image-openapi.md §4) or that it never answered.
 */
export function usageMismatch(u: UnacknowledgedUsage): Mismatch {
  const window = `${formatMarketplaceTime(new Date(u.beginAt))}–${formatMarketplaceTime(new Date(u.endAt))}`;
  return {
    kind: "usage-not-acknowledged",
    productId: u.productId,
    orderId: u.orderId ?? "-",
    orderLineId: u.orderLineId ?? "-",
    instanceId: u.instanceId,
    meteringSn: u.meteringSn,
    koogate: `usage ${u.state}, window ${window}, ${u.pushAttempts} push attempt(s)`,
    marketplace: u.state === "rejected" ? `rejected ${u.errorCode || "?"}: ${u.errorMsg ?? ""}`.trimEnd() : u.pushAttempts === 0 ? "never sent" : "no push accepted yet",
  };
}

function describeKnown(k: KnownOrder): string {
  const i = k.instance;
  if (!i) return k.notifiedAt === undefined ? "no instance" : `notified ${new Date(k.notifiedAt).toISOString()}, no instance`;
  return `instance ${i.state}${i.expireAt !== null ? `, expires ${formatMarketplaceTime(new Date(i.expireAt))}` : ""}`;
}

/** The report as a text table, one line per mismatch, for a terminal. */
export function reportTable(r: ReconcileReport): string {
  const head = `${r.orders} order(s) compared at ${new Date(r.at).toISOString()}: ${r.mismatches.length === 0 ? "all agree" : `${r.mismatches.length} mismatch(es)`}`;
  if (r.mismatches.length === 0) return head;
  const rows = [["KIND", "PRODUCT", "ORDER", "ORDER LINE", "INSTANCE", "KOOGATE", "MARKETPLACE"], ...r.mismatches.map((m) => [m.kind, m.productId, m.orderId, m.orderLineId, m.instanceId ?? "-", m.koogate, m.marketplace])];
  const widths = rows[0]!.map((_, c) => Math.min(60, Math.max(...rows.map((row) => row[c]!.length))));
  return [head, "", ...rows.map((row) => row.map((v, c) => v.slice(0, 60).padEnd(widths[c]!)).join("  ").trimEnd())].join("\n");
}
