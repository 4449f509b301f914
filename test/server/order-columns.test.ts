import { expect } from "chai";
import { testDatabaseKind } from "../support/database.js";
import { notifyBody, startRig, TEST_GENERAL_KEY, type MarketplaceRig } from "../support/marketplace-setup.js";
import { eventually } from "../support/wait.js";

const line = (i: number, extra: Record<string, unknown> = {}) => ({
  orderLineId: `BIG-${String(i).padStart(6, "0")}`,
  chargingMode: "PERIOD",
  periodType: "month",
  periodNumber: 1,
  productInfo: [{ productId: "OFFI846204237451911168", skuCode: "sku-1", linearValue: 1 }],
  extendParams: [],
  currency: "10",
  ...extra,
});

// issue 24, finding 10: orders from the marketplace that did not fit koogate's tables
describe(`orders that do not fit at first sight (${testDatabaseKind})`, function () {
  this.timeout(20_000);
  let rig: MarketplaceRig;
  const logLines: string[] = [];
  beforeEach(async () => {
    logLines.length = 0;
    rig = await startRig({ logLines });
  });
  afterEach(() => rig.close());

  it("stores an order of 600 lines fetched after its notification", async () => {
    rig.mkt.state.addOrder({ orderId: "BIG-600", orderType: "NEW", createTime: "20241121090846", orderLine: Array.from({ length: 600 }, (_, i) => line(i)), buyerInfo: {} });
    expect((await rig.server.send(notifyBody("BIG-600"), { key: TEST_GENERAL_KEY })).json.resultCode).to.equal("000000");
    await eventually(async () => (await rig.server.koogate.db("koogate_jobs").where({ activity: "fetchOrder", state: "done" })).length === 1, "the fetch done");
    const [n] = await rig.server.koogate.db("koogate_order_lines").where({ order_id: "BIG-600" }).count({ n: "*" });
    expect(Number(n!.n)).to.equal(600);
  });

  it("parks the fetch of an order whose values cannot be stored after one attempt, in bounded log lines", async () => {
    const lines = Array.from({ length: 600 }, (_, i) => line(i, i === 7 ? { orderLineId: "X".repeat(322) } : { periodNumber: i === 9 ? 1e308 : 1 }));
    rig.mkt.state.addOrder({ orderId: "BAD-600", orderType: "NEW", orderLine: lines, buyerInfo: {} });
    expect((await rig.server.send(notifyBody("BAD-600"), { key: TEST_GENERAL_KEY })).json.resultCode).to.equal("000000");
    const job = await eventually(async () => rig.server.koogate.db("koogate_jobs").where({ activity: "fetchOrder", state: "failed" }).first(), "the parked fetch");
    expect(Number(job.attempts), "not retried").to.equal(1);
    expect(job.last_error).to.match(/order BAD-600 cannot be stored: line 8 of 600: orderLineId "X{39}… \(324 characters\) is 322 characters, its column holds 64/);
    expect(await rig.server.koogate.db("koogate_order_lines").where({ order_id: "BAD-600" })).to.deep.equal([]);
    const longest = Math.max(...logLines.map((l) => l.length));
    expect(longest, "the longest log line").to.be.below(4000);
  });
});
