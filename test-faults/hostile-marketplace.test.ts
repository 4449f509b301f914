import { expect } from "chai";
import { testDatabaseKind } from "../test/support/database.js";
import { startHostileMarketplace, startServerAgainst, type HostileMarketplace } from "../test/support/hostile-marketplace.js";
import { notifyBody, TEST_GENERAL_KEY } from "../test/support/marketplace-setup.js";
import { newInstanceBody } from "../test/support/orders.js";
import type { TestServer } from "../test/support/server.js";
import { eventually } from "../test/support/wait.js";
import { figures } from "./support/figures.js";

const MIB = 1024 * 1024;
const ORDERS = 3;

// Issue 24, finding 7: a 256 MiB order answer took RSS to a 1 186 MB peak, read three times per order.
describe(`a marketplace answering every order query with 256 MiB (${testDatabaseKind})`, function () {
  let mkt: HostileMarketplace;
  let s: TestServer;
  before(async () => {
    mkt = await startHostileMarketplace({ bytes: 256 * MIB });
    s = await startServerAgainst(mkt);
  });
  after(async () => {
    await s?.close();
    await mkt?.close();
  });

  it("costs at most the answer limit per order, asks once per order, and parks each fetch", async () => {
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const answered: string[] = [];
    try {
      for (let i = 0; i < ORDERS; i++) answered.push((await s.send(notifyBody(`HUGE-${i}`), { key: TEST_GENERAL_KEY })).json.resultCode as string);
      // signed calls go on meanwhile
      for (let i = 0; i < 20; i++) answered.push((await s.send(newInstanceBody())).json.resultCode as string);
      await eventually(async () => (await s.koogate.db("koogate_jobs").where({ activity: "fetchOrder", state: "failed" })).length === ORDERS, "every fetch parked", 20_000);
    } finally {
      clearInterval(sampler);
    }
    figures.requests += ORDERS + 20;
    figures.faults += ORDERS;
    const mb = (n: number) => (n / MIB).toFixed(0);
    console.log(
      `      256 MiB order answers: ${ORDERS} orders, ${mkt.requests} request(s) to the marketplace, ${mb(mkt.written)} MiB written by it before the cut; ` +
        `RSS ${mb(before)} MB before, ${mb(peak)} MB at the peak (+${mb(peak - before)} MB; limit ${mb(4 * MIB)} MiB per answer)`,
    );
    expect(answered.every((c) => c === "000000"), "every call answered 000000").to.equal(true);
    expect(mkt.requests, "one request per order").to.equal(ORDERS);
  });
});
