import { expect } from "chai";
import { SetupError } from "../../core/errors.js";
import { refuseOrderNotify } from "../../core/orders/definition.js";
import { testDatabaseKind } from "../support/database.js";
import { HookedSaasAdapter, meteredYaml, notifyBody, seen, startRig, TEST_GENERAL_KEY, type MarketplaceRig } from "../support/marketplace-setup.js";
import { startServer } from "../support/server.js";
import { eventually } from "../support/wait.js";

const queries = (rig: MarketplaceRig) => rig.mkt.state.calls.filter((c) => c.path.endsWith("/order/query")).length;
const storedLines = (rig: MarketplaceRig) => rig.server.koogate.db("koogate_order_lines").where({ product_id: "test-saas" });

describe(`order notification (docs/marketplace/api-image-openapi.md §5, ${testDatabaseKind})`, function () {
  this.timeout(20_000);
  let rig: MarketplaceRig;
  beforeEach(async () => (rig = await startRig()));
  afterEach(() => rig.close());

  it("answers 000000 to a notification signed with the general key, then stores what query order answered", async () => {
    const r = await rig.server.send(notifyBody("MOCKPERIODYEARNEW"), { key: TEST_GENERAL_KEY });
    expect(r.json).to.deep.equal({ resultCode: "000000", resultMsg: "success." });
    expect(r.bodySignProblem, "the answer is Body-Signed with the general key").to.equal(null);
    await eventually(async () => (await storedLines(rig)).length === 1, "the stored line");
    const [line] = await storedLines(rig);
    expect(line).to.include({ order_id: "MOCKPERIODYEARNEW", order_line_id: "MOCKPERIODYEARNEW-000001", charging_mode: "PERIOD", period_type: "year", sku_code: "0a4d1578-5295-46a7-92d4-7c803dccc51d", amount: "100" });
    expect(Number(line.expire_at)).to.equal(Date.UTC(2025, 10, 21, 23, 59, 59));
    const order = await rig.server.koogate.db("koogate_orders").where({ order_id: "MOCKPERIODYEARNEW" }).first();
    expect(order.order_type).to.equal("NEW");
    expect(order.buyer_sealed, "the buyer rests sealed").to.match(/^g1\./).and.not.include("mock_user_01");
  });

  it("hands each order line to the adapter's orderNotified hook once, with the buyer opened", async () => {
    await rig.server.send(notifyBody("MOCKONDEMAND"), { key: TEST_GENERAL_KEY });
    await eventually(async () => seen.orders.length === 1, "the hook");
    await eventually(async () => (await storedLines(rig).first())?.notified_at, "the hook recorded");
    expect(seen.orders[0]).to.include({ orderId: "MOCKONDEMAND", orderLineId: "MOCKONDEMAND-000001", chargingMode: "ON_DEMAND", test: false });
    expect(seen.orders[0]!.buyer).to.include({ customerName: "mock_user_01" });
    expect(seen.orders[0]!.extendParams).to.deep.equal({ emailDomainName: "test.xxxx.com", ip: "127.0.0.1" });
  });

  it("queries and stores an order once when its notification is resent and delivered concurrently", async () => {
    const body = notifyBody("MOCKMONTYRENEW");
    const answers = await Promise.all(Array.from({ length: 6 }, () => rig.server.send(body, { key: TEST_GENERAL_KEY })));
    expect(answers.map((a) => a.json.resultCode)).to.deep.equal(Array(6).fill("000000"));
    await eventually(async () => seen.orders.length === 1, "the hook");
    const resent = await rig.server.send(body, { key: TEST_GENERAL_KEY });
    expect(resent.json.resultCode).to.equal("000000");
    await new Promise((r) => setTimeout(r, 800)); // a second fetch, if any, would have run by now
    expect(queries(rig), "query order calls").to.equal(1);
    expect(await storedLines(rig)).to.have.length(1);
    expect(await rig.server.koogate.db("koogate_orders").where({ order_id: "MOCKMONTYRENEW" })).to.have.length(1);
    expect(seen.orders, "hook calls").to.have.length(1);
  });

  it("retries the fetch through the outbox when the marketplace keeps answering 500", async () => {
    // the client's own three attempts all fail; the outbox's next attempt finds the marketplace back
    rig.mkt.state.failNext(3, "500");
    await rig.server.send(notifyBody("MOCKONETIMENEW"), { key: TEST_GENERAL_KEY });
    await eventually(async () => (await storedLines(rig)).length === 1, "the order after a retry", 15_000);
    expect(queries(rig)).to.equal(4);
  });

  it("calls the hook again after it failed, and only until it returned once", async () => {
    seen.failHook = 1;
    await rig.server.send(notifyBody("MOCKMONTYCHANGE"), { key: TEST_GENERAL_KEY });
    await eventually(async () => seen.orders.length === 1, "the hook after a retry", 15_000);
    expect(queries(rig), "the stored order is not queried again").to.equal(1);
  });

  it("refuses a notification signed with the basic key with 000001 and queues nothing", async () => {
    const r = await rig.server.send(notifyBody("MOCKONDEMANDPKG"));
    expect(r.json.resultCode).to.equal("000001");
    expect(await rig.server.koogate.db("koogate_jobs").where({ activity: "fetchOrder" })).to.have.length(0);
  });

  it("routes a notification named by an activity query parameter too, still verified with the general key", async () => {
    const { signBasicRequest } = await import("../../core/signing/basic.js");
    const text = JSON.stringify(notifyBody("MOCKPERIODDAYTRIAL"));
    const query = `activity=orderNotify&${signBasicRequest({ accessKey: TEST_GENERAL_KEY, body: text }).query}`;
    const r = await rig.server.send(text, { key: TEST_GENERAL_KEY, query });
    expect(r.json.resultCode).to.equal("000000");
  });

  it("answers 000002 naming the field to a notification without orderLineId", async () => {
    const r = await rig.server.send({ activity: "orderNotify", orderId: "MOCKONDEMAND", testFlag: "1" }, { key: TEST_GENERAL_KEY });
    expect(r.json).to.deep.equal({ resultCode: "000002", resultMsg: "param is invalid: orderLineId is missing" });
  });

  it("still serves the listing's other activities with the basic key", async () => {
    const r = await rig.server.send({ activity: "newInstance", orderId: "O-1", orderLineId: "O-1-1", businessId: "b-1" });
    expect(r.json.resultCode).to.equal("000000");
  });
});

describe("order notification in product definitions", () => {
  it("refuses to start a listing with order notification but no keys.general", async () => {
    const yaml = meteredYaml("test-saas").replace("  general: [TEST_GENERAL_KEY]\n", "");
    const err = await startServer({ products: { "test-saas.yaml": yaml }, adapters: [HookedSaasAdapter] }).then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(SetupError);
    expect((err as Error).message).to.include("missing keys.general");
  });

  it("lets a kind the marketplace never notifies (images) refuse orderNotify at start, naming the path", () => {
    const base = { id: "img", name: "img", kind: "image", adapter: "X", options: {}, keys: {} as never, keyVariables: {} as never, file: "products/img.yaml" };
    expect(() => refuseOrderNotify({ ...base, keys: {}, orderNotify: { enabled: true } }, base, "the marketplace does not notify image orders (docs/marketplace/api-image-openapi.md §5)"))
      .to.throw(SetupError, /orderNotify is not available here: the marketplace does not notify image orders/);
  });
});
