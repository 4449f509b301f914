/**
 * An order notification end to end (docs/marketplace/api-image-openapi.md §5, §3): an order is registered at the
 * local marketplace, `orderNotify` is sent signed with the product's general key and must be answered
 * 000000; then koogate must query that order at the local marketplace with a valid AK/SK signature and,
 * when the simulator can open koogate's database, have stored what the marketplace answered. The
 * notification is resent (KooGallery resends until it gets 000000) and nothing may be queried or stored
 * twice.
 */
import { randomBytes } from "node:crypto";
import { OrderStore } from "../../orders/store.js";
import { createDatabase } from "../../store/database.js";
import { formatMarketplaceTime } from "../../time.js";
import { DATABASE_OPTION, databaseUrl, LocalMarketplaceClient, MARKETPLACE_OPTION, marketplaceUrl, msOption, within } from "../local-marketplace-client.js";
import type { LocalOrder } from "../local-marketplace.js";
import type { ReceivedCall } from "../local-marketplace.js";
import { basicRequest } from "../requests/basic.js";
import type { Scenario, ScenarioContext } from "../scenario.js";

const QUERY_PATH = "/v1/order/query";

/** A fresh order of one monthly line, as query order answers it (docs/marketplace/api-image-openapi.md §3). */
function simOrder(nowMs: number): LocalOrder {
  const orderId = `CSSIM${nowMs}${randomBytes(3).toString("hex").toUpperCase()}`;
  return {
    orderId,
    orderType: "NEW",
    createTime: formatMarketplaceTime(new Date(Math.floor(nowMs / 1000) * 1000)),
    orderLine: [
      {
        orderLineId: `${orderId}-000001`,
        chargingMode: "PERIOD",
        periodType: "month",
        periodNumber: 1,
        expireTime: formatMarketplaceTime(new Date(Math.floor(nowMs / 1000) * 1000 + 31 * 86_400_000)),
        productInfo: [{ productId: "OFFI000000000000SIM", skuCode: `sku-${orderId.toLowerCase()}`, linearValue: 3, productName: "koogate sim" }],
        extendParams: [{ name: "emailDomainName", value: "sim.example.test" }],
        currency: "30",
        currencyAfterDiscount: "27",
      },
    ],
    buyerInfo: { customerId: `sim-${orderId.toLowerCase()}`, customerName: "koogate sim buyer", customerType: 0 },
    extendParams: [],
  };
}

const queriesOf = (calls: readonly ReceivedCall[], orderId: string) =>
  calls.filter((c) => c.path.endsWith(QUERY_PATH) && new URLSearchParams(c.query).get("orderId") === orderId);

/** The scenario before a kind offers it: the kind adds which of its listings it fits (those with order notification). */
export const orderNotify: Omit<Scenario, "kind" | "needs" | "fits"> = {
  name: "order-notify",
  summary: "notify an order; koogate queries it at the local marketplace and stores it once",
  options: {
    marketplace: MARKETPLACE_OPTION,
    database: DATABASE_OPTION,
    wait: { type: "string", description: "ms to wait for koogate's query and stored order", default: "15000" },
    settle: { type: "string", description: "ms to wait after the resend before counting queries", default: "1000" },
  },
  async run(ctx) {
    const t = ctx.target;
    const mkt = new LocalMarketplaceClient(marketplaceUrl(ctx, "order-notify"));
    const waitMs = msOption(ctx, "wait");
    const settleMs = msOption(ctx, "settle");
    const order = simOrder(ctx.now());
    const line = order.orderLine![0]!;
    await mkt.addOrder(order);
    const body = { activity: "orderNotify", orderId: order.orderId, orderLineId: line.orderLineId, testFlag: t.testFlag };
    const first = await ctx.exchange("orderNotify", basicRequest(t, body, { keyType: "general" }), "000000");
    if (first.step.verdict === "FAIL") return;

    const valid = await within(ctx, waitMs, async () => queriesOf(await mkt.calls(), order.orderId).find((c) => c.signature === "valid"));
    const seen = queriesOf(await mkt.calls(), order.orderId);
    ctx.check("query order", valid ? null : queryProblem(seen, order.orderId, waitMs), `${seen.length} query-order call(s) for ${order.orderId}`);

    const dbUrl = databaseUrl(ctx);
    if (dbUrl === undefined) {
      ctx.check("stored order", null, "not checked: give --database or KOOGATE_DATABASE_URL to compare what koogate stored");
    } else {
      await checkStored(ctx, dbUrl, order, waitMs, "stored order");
    }

    await ctx.exchange("orderNotify", basicRequest(t, body, { keyType: "general" }), "000000", "resent: must succeed again");
    await ctx.sleep(settleMs);
    const again = queriesOf(await mkt.calls(), order.orderId);
    const count = again.filter((c) => c.signature === "valid").length;
    ctx.check("queried once", count <= 1 ? null : `koogate queried order ${order.orderId} ${count} times: a resent notification must not query it again (docs/marketplace/api-image-openapi.md §5)`);
    if (dbUrl !== undefined) await checkStored(ctx, dbUrl, order, 0, "stored once");
  },
};

/** Why the query-order calls seen are not one valid call for `orderId`, or null. */
function queryProblem(calls: ReceivedCall[], orderId: string, waitMs: number): string {
  if (calls.length === 0) {
    return `koogate did not query order ${orderId} at the local marketplace within ${waitMs} ms: is the server's KOOGATE_MARKETPLACE_URL this local marketplace (docs/marketplace/api-image-openapi.md §3)?`;
  }
  if (calls.some((c) => c.signature === "invalid")) {
    return `koogate's query-order call for ${orderId} did not verify at the local marketplace (APIGW.0303): the server's KOOGATE_MARKETPLACE_AK / _SK are not the local marketplace's (docs/marketplace/api-image-openapi.md §2)`;
  }
  return `koogate's query-order calls for ${orderId} were all answered with an injected fault within ${waitMs} ms`;
}

/** Compares what koogate stored for `order` with what the local marketplace answered (waits up to `waitMs`). */
async function checkStored(ctx: ScenarioContext, url: string, order: LocalOrder, waitMs: number, name: string): Promise<void> {
  const p = ctx.target.product;
  const db = createDatabase(url);
  try {
    const store = new OrderStore(db);
    const lines = await within(ctx, waitMs, async () => {
      const l = await store.lines(p.id, order.orderId, p.keys.general);
      return l.length > 0 ? l : undefined;
    });
    if (!lines) return void ctx.check(name, `koogate stored no order ${order.orderId} for ${p.id} within ${waitMs} ms`);
    const orders = Number((await db("koogate_orders").where({ product_id: p.id, order_id: order.orderId }).count({ c: "*" }))[0]?.c);
    const want = order.orderLine![0]!;
    const got = lines[0]!.order;
    const info = (want.productInfo as Array<Record<string, unknown>>)[0]!;
    const expected: Record<string, unknown> = {
      orderType: order.orderType,
      orderLineId: want.orderLineId,
      chargingMode: want.chargingMode,
      periodType: want.periodType,
      periodNumber: want.periodNumber,
      expireAt: `${want.expireTime as string}`,
      productId: info.productId,
      skuCode: info.skuCode,
      linearValue: info.linearValue,
      amount: want.currency,
      amountAfterDiscount: want.currencyAfterDiscount,
      customerName: (order.buyerInfo as Record<string, unknown>).customerName,
    };
    const actual: Record<string, unknown> = {
      ...got,
      expireAt: got.expireAt ? formatMarketplaceTime(got.expireAt) : undefined,
      customerName: got.buyer.customerName,
    };
    const differ = Object.keys(expected).filter((k) => actual[k] !== expected[k]).map((k) => `${k} ${JSON.stringify(actual[k])}, expected ${JSON.stringify(expected[k])}`);
    if (orders !== 1 || lines.length !== 1) differ.unshift(`${orders} order row(s) and ${lines.length} line(s) stored, expected 1 and 1`);
    ctx.check(name, differ.length ? `the stored order differs from what query order answered: ${differ.join("; ")}` : null, `order ${order.orderId} stored, buyer opens with the general key`);
  } finally {
    await db.destroy();
  }
}
