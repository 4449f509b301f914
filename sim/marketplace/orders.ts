/**
 * The mock orders KooGallery's query-order API knows for debugging (docs/marketplace/saas.md §8.2,
 * docs/marketplace/api-image-openapi.md §3), each with one order line `<orderId>-000001`.
 *
 * UNCONFIRMED: only `MOCKPERIODYEARNEW`'s answer is documented (docs/marketplace/api-image-openapi.md §3). The others'
 * order type, charging mode and period are read from their names (TRIAL → a trial, RENEW → a renewal,
 * MONTY → monthly …); the buyer and product are MOCKPERIODYEARNEW's.
 */

export type { LocalOrder } from "../../core/simulation/local-marketplace.js";
import type { LocalOrder } from "../../core/simulation/local-marketplace.js";

const BUYER = {
  mobilePhone: "18688888888",
  email: null,
  customerId: "459bbbec25d24749b2eb83be37b602a8",
  customerName: "mock_user_01",
  customerRealName: "测试用户1",
  customerType: 0,
  userId: null,
  userName: null,
};

const PRODUCT = { productId: "OFFI846204237451911168", skuCode: "0a4d1578-5295-46a7-92d4-7c803dccc51d", linearValue: 50, productName: "MOCK测试商品,测试规格,基础版,包周期" };

function mock(orderId: string, orderType: string, line: Record<string, unknown>): LocalOrder {
  return {
    orderId,
    orderType,
    createTime: "20241121090846",
    orderLine: [
      {
        orderLineId: `${orderId}-000001`,
        ...line,
        productInfo: [PRODUCT],
        extendParams: [{ name: "emailDomainName", value: "test.xxxx.com" }, { name: "ip", value: "127.0.0.1" }],
        currency: "100",
        currencyAfterDiscount: "100",
      },
    ],
    buyerInfo: BUYER,
    extendParams: [],
  };
}

const period = (periodType: string, expireTime: string) => ({ chargingMode: "PERIOD", periodType, periodNumber: 1, expireTime });

/** A fresh copy of every documented mock order. */
export function mockOrders(): LocalOrder[] {
  return [
    mock("MOCKPERIODYEARNEW", "NEW", period("year", "20251121235959")),
    mock("MOCKONETIMENEW", "NEW", { chargingMode: "ONE_TIME" }),
    mock("MOCKONDEMAND", "NEW", { chargingMode: "ON_DEMAND" }),
    mock("MOCKONDEMANDPKG", "NEW", { chargingMode: "ON_DEMAND", periodType: "package" }),
    mock("MOCKPERIODDAYTRIAL", "NEW", { ...period("day", "20241122235959"), trial: true }),
    mock("MOCKMONTYTRIALTOFORMAL", "TRIAL_TO_FORMAL", period("month", "20241221235959")),
    mock("MOCKMONTYUNSUBSCRIBE", "UNSUBSCRIBE", period("month", "20241221235959")),
    mock("MOCKMONTYRENEW", "RENEW", period("month", "20250121235959")),
    mock("MOCKMONTYCHANGE", "CHANGE", period("month", "20241221235959")),
  ];
}
