/**
 * The operator page's view of notified orders (core/orders/store.ts stores them): each order with its
 * lines and what became of each line — the instance koogate holds for the order, or none. The buyer
 * and the lines' extra parameters rest sealed and are not read.
 */
import type { Knex } from "knex";
import { ORDER_LINES_TABLE, ORDERS_TABLE } from "../orders/store.js";

export interface OrderLineView {
  orderLineId: string;
  chargingMode: string | null;
  periodType: string | null;
  periodNumber: number | null;
  expireAt: number | null;
  skuCode: string | null;
  amount: string | null;
  /** when the adapter's orderNotified hook returned for the line; null until then */
  notifiedAt: number | null;
}

export interface OrderView {
  productId: string;
  orderId: string;
  orderType: string | null;
  createTime: string | null;
  test: boolean;
  fetchedAt: number;
  lines: OrderLineView[];
  /** the instances koogate holds under this order id, with their state */
  instances: Array<{ instanceId: string; state: string }>;
}

/** The newest notified orders (by when koogate stored them), of one product or of all. */
export async function listOrders(db: Knex, q: { productId?: string; orderId?: string; limit?: number }): Promise<OrderView[]> {
  let sql = db(ORDERS_TABLE).select("product_id", "order_id", "order_type", "create_time", "test", "fetched_at").orderBy("fetched_at", "desc").limit(q.limit ?? 200);
  if (q.productId) sql = sql.where("product_id", q.productId);
  if (q.orderId) sql = sql.where("order_id", q.orderId);
  const orders: Array<Record<string, unknown>> = await sql;
  if (orders.length === 0) return [];
  const keys = orders.map((o) => [String(o.product_id), String(o.order_id)]);
  const [lines, instances] = await Promise.all([
    db(ORDER_LINES_TABLE).whereIn(["product_id", "order_id"], keys).orderBy("order_line_id") as Promise<Array<Record<string, unknown>>>,
    db("koogate_instances").select("product_id", "order_id", "instance_id", "state").whereIn(["product_id", "order_id"], keys) as Promise<Array<Record<string, unknown>>>,
  ]);
  const of = (r: Record<string, unknown>) => `${String(r.product_id)}\u0000${String(r.order_id)}`;
  return orders.map((o) => ({
    productId: String(o.product_id),
    orderId: String(o.order_id),
    orderType: (o.order_type as string | null) ?? null,
    createTime: (o.create_time as string | null) ?? null,
    test: Boolean(o.test),
    fetchedAt: Number(o.fetched_at),
    lines: lines
      .filter((l) => of(l) === of(o))
      .map((l) => ({
        orderLineId: String(l.order_line_id),
        chargingMode: (l.charging_mode as string | null) ?? null,
        periodType: (l.period_type as string | null) ?? null,
        periodNumber: l.period_number === null || l.period_number === undefined ? null : Number(l.period_number),
        expireAt: l.expire_at === null || l.expire_at === undefined ? null : Number(l.expire_at),
        skuCode: (l.sku_code as string | null) ?? null,
        amount: (l.amount as string | null) ?? null,
        notifiedAt: l.notified_at === null || l.notified_at === undefined ? null : Number(l.notified_at),
      })),
    instances: instances.filter((i) => of(i) === of(o)).map((i) => ({ instanceId: String(i.instance_id), state: String(i.state) })),
  }));
}
