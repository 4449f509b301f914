import { expect } from "chai";
import { MarketplaceClient, type UsageRecord } from "../../core/marketplace/client.js";
import { marketplaceSettings } from "../../core/settings/index.js";
import type { MarketplaceResult } from "../../core/marketplace/answers.js";
import type { UsagePushData } from "../../core/marketplace/data.js";
import { UsageSchedule } from "../../core/metering/schedule.js";
import { testDatabaseKind } from "../support/database.js";
import { startHostileMarketplace, startServerAgainst, type HostileMarketplace } from "../support/hostile-marketplace.js";
import { notifyBody, startRig, TEST_GENERAL_KEY, type MarketplaceRig } from "../support/marketplace-setup.js";
import type { TestServer } from "../support/server.js";
import { eventually } from "../support/wait.js";

const HOUR = 3_600_000;
const hourAgo = (n: number) => new Date((Math.floor(Date.now() / HOUR) - n) * HOUR);

/** Answers every usage push with what the marketplace said plus 100 000 records nobody sent. */
class FloodingClient extends MarketplaceClient {
  override async pushUsage(p: { records: readonly UsageRecord[]; key: string }): Promise<MarketplaceResult<UsagePushData>> {
    const r = await super.pushUsage(p);
    if (!r.ok) return r;
    const unknown = Array.from({ length: 100_000 }, (_, i) => ({ meteringSn: `unknown-${i}`, instanceId: "inst-x", code: "MKT.9002", message: `refused ${i}` }));
    return { ...r, data: { abnormal: [...r.data.abnormal, ...unknown] } };
  }
}

// issue 24, finding 7: a hostile (or broken) marketplace answers with more than was asked
describe(`a marketplace that answers with too much (${testDatabaseKind})`, function () {
  this.timeout(30_000);

  describe("an order answer of 256 MiB", () => {
    let mkt: HostileMarketplace;
    let s: TestServer;
    before(async () => {
      mkt = await startHostileMarketplace({ bytes: 256 * 1024 * 1024 });
      s = await startServerAgainst(mkt);
    });
    after(async () => {
      await s?.close();
      await mkt?.close();
    });

    it("parks the order's fetch job after one request, cut at the limit, saying why", async () => {
      expect((await s.send(notifyBody("HUGE-ORDER"), { key: TEST_GENERAL_KEY })).json.resultCode).to.equal("000000");
      const job = await eventually(async () => s.koogate.db("koogate_jobs").where({ activity: "fetchOrder", state: "failed" }).first(), "the parked job");
      expect(Number(job.attempts)).to.equal(1);
      expect(job.last_error).to.include("ANSWER_TOO_LARGE");
      expect(mkt.requests, "the marketplace was asked once").to.equal(1);
    });
  });

  describe("a usage push answer naming 100 000 records that were not sent", () => {
    let rig: MarketplaceRig;
    before(async () => {
      rig = await startRig({ client: (env) => new FloodingClient({ ...marketplaceSettings(env), retries: 0 }) });
      for (const i of [1, 2]) expect((await rig.server.send({ activity: "newInstance", orderId: `O-${i}`, orderLineId: `O-${i}-1`, businessId: `inst-${i}` })).json.resultCode).to.equal("000000");
    });
    after(() => rig.close());

    it("settles the records of the push in a few statements, ignoring the others", async () => {
      const sent = await rig.server.koogate.metering.record("test-saas", { instanceId: "inst-1", value: 2, begin: hourAgo(2), end: hourAgo(1) });
      const db = rig.server.koogate.db;
      let statements = 0;
      const count = (q: { sql: string }) => /koogate_usage/.test(q.sql) && statements++;
      db.on("query", count);
      try {
        await rig.server.koogate.container.resolve(UsageSchedule).flushNow("test-saas");
        await eventually(async () => (await db("koogate_usage").where({ metering_sn: sent.meteringSn, state: "pushed" })).length === 1, "the record pushed");
      } finally {
        db.off("query", count);
      }
      // before: one update per id named, 100 000 in one transaction, every other writer waiting
      expect(statements, "statements on koogate_usage").to.be.below(20);
      expect(await db("koogate_usage").count({ n: "*" }).first()).to.satisfy((r: { n: unknown }) => Number(r.n) === 1);
    });
  });
});
