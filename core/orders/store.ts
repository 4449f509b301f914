/**
 * koogate's own record of the orders it fetched (tables in core/store/migrations/20261201090000_orders.ts).
 * Saving is idempotent: a second save of one order (a resend, a second process) adds nothing.
 */
import { inject, injectable } from "tsyringe";
import { openAtRest, sealAtRest } from "../crypto/at-rest.js";
import { INSTANCES_TABLE } from "../store/instances.js";
import { DATABASE, type Knex } from "../tokens.js";
import { unfitOrder } from "./columns.js";
import type { NotifiedOrder } from "./order.js";

export const ORDERS_TABLE = "koogate_orders";
export const ORDER_LINES_TABLE = "koogate_order_lines";

/**
 * The order type whose lines each want an instance of their own. UNCONFIRMED (docs/marketplace/api-image-openapi.md
 * §3, §5): the other types seen (`RENEW`, `CHANGE`, `TRIAL_TO_FORMAL`, `UNSUBSCRIBE`) act on an instance
 * created for an earlier order, which koogate cannot name from the notified order alone, so only `NEW`
 * lines are expected to have an instance under their own order id (fewest false alarms).
 */
export const PROVISIONED_ORDER_TYPE = "NEW";

/** A notified order line with no instance for its order. */
export interface UnprovisionedLine {
  productId: string;
  orderId: string;
  orderLineId: string;
  /** when koogate stored the order (ms) */
  fetchedAt: number;
}

type Db = Knex | Knex.Transaction;

/**
 * Lines per insert statement: SQLite inserts several rows as one compound SELECT of at most 500 terms
 * ("too many terms in compound SELECT": a 600-line order was never stored), and 100 rows of 14 values
 * stay far under either database's limit of bound values.
 */
export const LINES_PER_INSERT = 100;

/** An order with a field that does not fit its column: storing it again cannot succeed. */
export class UnstorableOrder extends Error {
  override name = "UnstorableOrder";
}

/** A stored line and whether the adapter's hook has seen it. */
export interface StoredOrderLine {
  order: NotifiedOrder;
  notifiedAt: number | null;
}

@injectable()
export class OrderStore {
  constructor(@inject(DATABASE) private readonly db: Knex) {}

  /**
   * Stores an order and its lines once, the lines in chunks of LINES_PER_INSERT; personal data sealed
   * with `sealKey`.
   * @returns whether anything was added (false: stored already)
   * @throws UnstorableOrder when a field does not fit its column (columns.ts): nothing is stored
   */
  async save(productId: string, lines: readonly NotifiedOrder[], sealKey: string, nowMs: number, trx?: Knex.Transaction): Promise<boolean> {
    const first = lines[0];
    if (!first) return false;
    const unfit = unfitOrder(lines);
    if (unfit) throw new UnstorableOrder(`order ${[...first.orderId].length <= 64 ? first.orderId : "(an over-long id)"} cannot be stored: ${unfit}`);
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
      for (let i = 0; i < lines.length; i += LINES_PER_INSERT) {
        await t(ORDER_LINES_TABLE)
          .insert(lines.slice(i, i + LINES_PER_INSERT).map((l) => lineRow(productId, l, sealKey)))
          .onConflict(["product_id", "order_line_id"])
          .ignore();
      }
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

  /**
   * Lines of `NEW` orders with no instance for their order (product and order id), oldest first, at
   * most `limit` (default 10 000); only orders stored since `since` (ms), when given.
   */
  async unprovisioned(q: { since?: number; limit?: number } = {}): Promise<UnprovisionedLine[]> {
    const sql = this.unprovisionedLines().select("l.product_id", "l.order_id", "l.order_line_id", "o.fetched_at").orderBy("o.fetched_at").limit(q.limit ?? 10_000);
    if (q.since !== undefined) sql.where("o.fetched_at", ">=", q.since);
    const rows: Array<Record<string, unknown>> = await sql;
    return rows.map((r) => ({ productId: String(r.product_id), orderId: String(r.order_id), orderLineId: String(r.order_line_id), fetchedAt: Number(r.fetched_at) }));
  }

  /** Per product, how many lines of `unprovisioned` orders were stored before `before` (ms): one grouped statement. */
  async unprovisionedBefore(before: number): Promise<Map<string, number>> {
    const rows: Array<Record<string, unknown>> = await this.unprovisionedLines().select("l.product_id").count({ n: "*" }).where("o.fetched_at", "<", before).groupBy("l.product_id");
    return new Map(rows.map((r) => [String(r.product_id), Number(r.n)]));
  }

  private unprovisionedLines(): Knex.QueryBuilder {
    return this.db(`${ORDER_LINES_TABLE} as l`)
      .join(`${ORDERS_TABLE} as o`, (j) => j.on("o.product_id", "l.product_id").andOn("o.order_id", "l.order_id"))
      .where("o.order_type", PROVISIONED_ORDER_TYPE)
      .whereNotExists((sub) => sub.select(this.db.raw("1")).from(`${INSTANCES_TABLE} as i`).where("i.product_id", this.db.ref("l.product_id")).andWhere("i.order_id", this.db.ref("l.order_id")));
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
