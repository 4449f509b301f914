/**
 * An order line as an adapter's `orderNotified` hook receives it: what query order answered
 * (docs/marketplace/api-image-openapi.md §3), typed, one call per line.
 */
import type { Logger } from "../logger.js";
import type { OrderInfo, OrderLine } from "../marketplace/data.js";
import { parseMarketplaceTime } from "../time.js";

/** The buyer (personal data: stored sealed, never logged). Fields may be absent (§3: "may be null"). */
export interface OrderBuyer {
  customerId?: string;
  customerName?: string;
  customerType?: number;
  userId?: string;
  userName?: string;
}

export interface NotifiedOrder {
  orderId: string;
  /** e.g. `NEW`, `RENEW`, `CHANGE`, `UNSUBSCRIBE`, `TRIAL_TO_FORMAL` */
  orderType?: string;
  /** the order's creation time read as UTC (the zone is UNCONFIRMED, docs/marketplace/api-image-openapi.md §11.3) */
  createdAt?: Date;
  orderLineId: string;
  /** e.g. `PERIOD`, `ONE_TIME`, `ON_DEMAND` */
  chargingMode?: string;
  /** e.g. `year`, `month`, `day`, `package` */
  periodType?: string;
  periodNumber?: number;
  /** read as UTC, like createdAt */
  expireAt?: Date;
  /** the marketplace's productId and SKU code of the line (its first product) */
  productId?: string;
  skuCode?: string;
  /** the quantity of a linear SKU */
  linearValue?: number;
  /** the amounts, as the text answered */
  amount?: string;
  amountAfterDiscount?: string;
  buyer: OrderBuyer;
  /** the line's extra parameters by name */
  extendParams: Record<string, string>;
  /** a Seller Console debugging notification (`testFlag=1`) */
  test: boolean;
}

/** What the hook receives beside the order. */
export interface OrderNotifiedContext {
  product: { id: string; name: string };
  options: Record<string, unknown>;
  /** bound to the product, the order and the line */
  logger: Logger;
  test: boolean;
}

/** The optional hook an adapter of any kind with order notification may have. */
export interface OrderNotifiedHook {
  /**
   * Called once per order line after the order was fetched and stored; koogate records that it
   * returned and does not call it again for that line. A throw is retried with backoff, so a line can
   * be seen again after a failure or a crash before the record: make it safe to repeat.
   */
  orderNotified(order: NotifiedOrder, ctx: OrderNotifiedContext): Promise<void>;
}

export function hasOrderNotified(adapter: unknown): adapter is OrderNotifiedHook {
  return typeof (adapter as Partial<OrderNotifiedHook> | null)?.orderNotified === "function";
}

/** The lines of a fetched order, each as the hook receives it. */
export function notifiedLines(order: OrderInfo, orderId: string, test: boolean): NotifiedOrder[] {
  const time = (t?: string) => (t ? parseMarketplaceTime(t) ?? undefined : undefined);
  const buyer = order.buyerInfo ?? {};
  return order.orderLine
    .filter((l): l is OrderLine & { orderLineId: string } => typeof l.orderLineId === "string" && l.orderLineId !== "")
    .map((l) => ({
      orderId,
      orderType: order.orderType,
      createdAt: time(order.createTime),
      orderLineId: l.orderLineId,
      chargingMode: l.chargingMode,
      periodType: l.periodType,
      periodNumber: l.periodNumber,
      expireAt: time(l.expireTime),
      productId: l.productInfo[0]?.productId,
      skuCode: l.productInfo[0]?.skuCode,
      linearValue: l.productInfo[0]?.linearValue,
      amount: l.currency,
      amountAfterDiscount: l.currencyAfterDiscount,
      buyer: Object.fromEntries(Object.entries(buyer).filter(([, v]) => v !== undefined)),
      extendParams: Object.fromEntries(l.extendParams.map((p) => [p.name, p.value])),
      test,
    }));
}
