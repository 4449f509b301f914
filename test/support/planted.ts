/**
 * Rows planted straight into koogate's tables, for the operations tests: a notified order (as the
 * order-fetch job stores it, core/orders/store.ts) and usage records in a given state (core/metering/store.ts).
 */
import type { Knex } from "knex";
import { ORDER_LINES_TABLE, ORDERS_TABLE } from "../../core/orders/store.js";
import { meteringSn, usageTime } from "../../core/metering/record.js";
import { USAGE_TABLE } from "../../core/metering/store.js";

/** A notified order of one line `<orderId>-000001`, stored at `fetchedAt` (ms). */
export async function plantNotifiedOrder(db: Knex, o: { productId?: string; orderId: string; orderType?: string; fetchedAt: number }): Promise<void> {
  const productId = o.productId ?? "test-saas";
  await db(ORDERS_TABLE).insert({ product_id: productId, order_id: o.orderId, order_type: o.orderType ?? "NEW", test: false, fetched_at: o.fetchedAt });
  await db(ORDER_LINES_TABLE).insert({ product_id: productId, order_id: o.orderId, order_line_id: `${o.orderId}-000001` });
}

export interface PlantedUsage {
  productId?: string;
  instanceId: string;
  /** the window's begin (ms); an hour long */
  beginAt: number;
  state: "pending" | "pushed" | "rejected";
  createdAt: number;
  value?: string;
  pushAttempts?: number;
  errorCode?: string;
  errorMsg?: string;
}

/** A usage record as the ledger and the pusher leave it; resolves to its metering_sn. */
export async function plantUsage(db: Knex, u: PlantedUsage): Promise<string> {
  const productId = u.productId ?? "test-saas";
  const endAt = u.beginAt + 3_600_000;
  const sn = meteringSn(productId, u.instanceId, u.beginAt, endAt);
  await db(USAGE_TABLE).insert({
    product_id: productId,
    instance_id: u.instanceId,
    metering_sn: sn,
    begin_at: u.beginAt,
    end_at: endAt,
    record_time: usageTime(u.createdAt),
    usage_value: u.value ?? "1.5",
    source: "api",
    state: u.state,
    push_attempts: u.pushAttempts ?? (u.state === "pending" ? 0 : 1),
    error_code: u.errorCode ?? null,
    error_msg: u.errorMsg ?? null,
    created_at: u.createdAt,
    pushed_at: u.state === "pending" ? null : u.createdAt + 1000,
  });
  return sn;
}
