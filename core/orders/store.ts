/**
 * koogate's own record of the orders it fetched (tables in core/store/migrations/20261201090000_orders.ts).
 * Saving is idempotent: a second save of one order (a resend, a second process) adds nothing.
 */
import { inject, injectable } from "tsyringe";
import { openAtRest, sealAtRest } from "../crypto/at-rest.js";
import { DATABASE, type Knex } from "../tokens.js";
import type { NotifiedOrder } from "./order.js";

export const ORDERS_TABLE = "koogate_orders";
export const ORDER_LINES_TABLE = "koogate_order_lines";

type Db = Knex | Knex.Transaction;

/** A stored line and whether the adapter's hook has seen it. */
export interface StoredOrderLine {
  order: NotifiedOrder;
  notifiedAt: number | null;
}

@injectable()
export class OrderStore {
  constructor(@inject(DATABASE) private readonly db: Knex) {}

  /**
   * Stores an order and its lines once; personal data sealed with `sealKey`.
   * @returns whether anything was added (false: stored already)
   */
  async save(productId: string, lines: readonly NotifiedOrder[], sealKey: string, nowMs: number, trx?: Knex.Transaction): Promise<boolean> {
    const first = lines[0];
    if (!first) return false;
    const run = async (t: Knex.Transaction) => {
      const added: unknown[] = await t(ORDERS_TABLE)
        .insert({
          product_id: productId,
          order_id: first.orderId,
          order_type: first.orderType ?? null,
          create_time: first.createdAt ? first.createdAt.toISOString().replace(/[-:T]/g, "").slice(0, 14) : null,
          buyer_sealed: sealAtRest(JSON.stringify(first.buyer), sealKey),
          test: first.test,
          fetched_at: nowMs,
        })
        .onConflict(["product_id", "order_id"])
        .ignore()
        .returning("order_id");
      await t(ORDER_LINES_TABLE)
        .insert(lines.map((l) => lineRow(productId, l, sealKey)))
        .onConflict(["product_id", "order_line_id"])
        .ignore();
      return added.length === 1;
    };
    return trx ? run(trx) : this.db.transaction(run);
  }

  /** The stored lines of an order, opened with any of `keys`, in line order. */
  async lines(productId: string, orderId: string, keys: readonly string[], trx: Db = this.db): Promise<StoredOrderLine[]> {
    const order = await trx(ORDERS_TABLE).where({ product_id: productId, order_id: orderId }).first();
    if (!order) return [];
    const rows: Array<Record<string, unknown>> = await trx(ORDER_LINES_TABLE).where({ product_id: productId, order_id: orderId }).orderBy("order_line_id");
    const buyer = JSON.parse(openAtRest(String(order.buyer_sealed), keys)) as NotifiedOrder["buyer"];
    const opt = <T>(v: unknown, f: (x: unknown) => T) => (v === null || v === undefined ? undefined : f(v));
    return rows.map((r) => ({
      notifiedAt: r.notified_at === null ? null : Number(r.notified_at),
      order: {
        orderId,
        orderType: opt(order.order_type, String),
        createdAt: opt(order.create_time, (t) => new Date(String(t).replace(/^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)$/, "$1-$2-$3T$4:$5:$6Z"))),
        orderLineId: String(r.order_line_id),
        chargingMode: opt(r.charging_mode, String),
        periodType: opt(r.period_type, String),
        periodNumber: opt(r.period_number, Number),
        expireAt: opt(r.expire_at, (x) => new Date(Number(x))),
        productId: opt(r.marketplace_product_id, String),
        skuCode: opt(r.sku_code, String),
        linearValue: opt(r.linear_value, Number),
        amount: opt(r.amount, String),
        amountAfterDiscount: opt(r.amount_after_discount, String),
        buyer,
        extendParams: r.extend_params_sealed ? (JSON.parse(openAtRest(String(r.extend_params_sealed), keys)) as Record<string, string>) : {},
        test: Boolean(order.test),
      },
    }));
  }

  /** Records that the hook returned for a line; false when it was recorded already. */
  async markNotified(productId: string, orderLineId: string, nowMs: number, trx: Db = this.db): Promise<boolean> {
    const n = await trx(ORDER_LINES_TABLE).where({ product_id: productId, order_line_id: orderLineId }).whereNull("notified_at").update({ notified_at: nowMs });
    return n === 1;
  }
}

function lineRow(productId: string, l: NotifiedOrder, sealKey: string): Record<string, unknown> {
  return {
    product_id: productId,
    order_line_id: l.orderLineId,
    order_id: l.orderId,
    charging_mode: l.chargingMode ?? null,
    period_type: l.periodType ?? null,
    period_number: l.periodNumber ?? null,
    expire_at: l.expireAt?.getTime() ?? null,
    marketplace_product_id: l.productId ?? null,
    sku_code: l.skuCode ?? null,
    linear_value: l.linearValue ?? null,
    amount: l.amount ?? null,
    amount_after_discount: l.amountAfterDiscount ?? null,
    extend_params_sealed: Object.keys(l.extendParams).length ? sealAtRest(JSON.stringify(l.extendParams), sealKey) : null,
    notified_at: null,
  };
}
