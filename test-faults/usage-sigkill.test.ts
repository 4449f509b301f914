import { expect } from "chai";
import type { Knex } from "knex";
import { meteringSn, usageTime } from "../core/metering/record.js";
import { UsageStore } from "../core/metering/store.js";
import { createDatabase } from "../core/store/database.js";
import { freshDatabaseUrl, testDatabaseKind } from "../test/support/database.js";
import { TEST_KEY } from "../test/support/client.js";
import { marketplaceEnvOf, meteredYaml, TEST_GENERAL_KEY } from "../test/support/marketplace-setup.js";
import { startServerProcess, type ServerProcess } from "../test/support/process.js";
import { writeProducts } from "../test/support/server.js";
import { eventually } from "../test/support/wait.js";
import { startLocalMarketplace, type LocalMarketplace } from "../sim/marketplace/server.js";

const HOUR = 3_600_000;

// A server killed after the marketplace accepted a usage push and before it committed that: the
// records stay pending, go out again unchanged, and the marketplace counts each metering_sn once.
describe(`SIGKILL between a usage push and its commit (${testDatabaseKind})`, function () {
  this.timeout(60_000);
  let databaseUrl: string;
  let productsDir: string;
  let db: Knex;
  let mkt: LocalMarketplace;
  let server: ServerProcess | undefined;

  before(async () => {
    databaseUrl = await freshDatabaseUrl();
    productsDir = writeProducts({ "test-saas.yaml": meteredYaml("test-saas").replace("HookedSaasAdapter", "DemoSaasAdapter") });
    db = createDatabase(databaseUrl);
    mkt = await startLocalMarketplace({ ak: "TEST-AK", sk: "test-sk-0123456789" });
    mkt.state.setUsageKey("test-saas", TEST_KEY);
  });
  after(async () => {
    await server?.kill();
    await mkt.close();
    await db.destroy();
  });

  it("loses no record and has none counted twice after a restart", async () => {
    const env = { TEST_GENERAL_KEY, KOOGATE_USAGE_FLUSH_SECONDS: "1", ...marketplaceEnvOf(mkt) };
    server = await startServerProcess({ databaseUrl, productsDir, env });
    expect((await server.send({ activity: "newInstance", orderId: "K-1", orderLineId: "K-1-1", businessId: "inst-k" })).json.resultCode).to.equal("000000");
    // kill the server the moment the marketplace has accepted the first record, before it answers
    const victim = server;
    const accept = mkt.state.usage.push.bind(mkt.state.usage);
    let killed = false;
    mkt.state.usage.push = (...items) => {
      if (!killed) {
        killed = true;
        victim.child.kill("SIGKILL");
      }
      return accept(...items);
    };
    const now = Math.floor(Date.now() / HOUR) * HOUR;
    const records = Array.from({ length: 50 }, (_, i) => ({ begin: now - (i + 1) * HOUR, end: now - i * HOUR }));
    await new UsageStore(db).insert(
      records.map((w, i) => ({
        productId: "test-saas",
        instanceId: "inst-k",
        meteringSn: meteringSn("test-saas", "inst-k", w.begin, w.end),
        beginAt: w.begin,
        endAt: w.end,
        recordTime: usageTime(now),
        usageValue: String(i + 1),
        relatePkgInstance: null,
        source: "api",
        createdAt: now,
      })),
    );
    await victim.exited;
    expect(killed, "the server was killed inside a push").to.equal(true);
    const pendingAfterKill = await db("koogate_usage").where({ state: "pending" }).count<{ n: number }[]>({ n: "*" });
    expect(Number(pendingAfterKill[0]!.n), "the killed push was never committed").to.equal(50);

    server = await startServerProcess({ databaseUrl, productsDir, env });
    await eventually(async () => Number((await db("koogate_usage").where({ state: "pushed" }).count<{ n: number }[]>({ n: "*" }))[0]!.n) === 50, "every record pushed after the restart", 30_000);
    const accepted = mkt.state.usage.map((u) => u.metering_sn);
    expect(accepted).to.have.length(50);
    expect(new Set(accepted)).to.deep.equal(new Set(records.map((w) => meteringSn("test-saas", "inst-k", w.begin, w.end))));
    expect(mkt.state.calls.filter((c) => c.path.endsWith("/usage-data")).length, "the batch went out twice").to.be.at.least(2);
  });
});
