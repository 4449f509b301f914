import { expect } from "chai";
import type { Knex } from "knex";
import { createDatabase } from "../../core/store/database.js";
import { freshDatabaseUrl, testDatabaseKind } from "../support/database.js";
import { connectTo, startServerProcess, type ServerProcess } from "../support/process.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


// `npm start` stopped by SIGTERM (a deploy, a scale-down): stop accepting, finish what is in flight.
describe(`SIGTERM with calls in flight (${testDatabaseKind})`, function () {
  let server: ServerProcess;
  let db: Knex;
  let databaseUrl: string;
  beforeEach(async () => {
    databaseUrl = await freshDatabaseUrl();
    db = createDatabase(databaseUrl);
  });
  afterEach(async () => {
    if (server.child.exitCode === null) await server.kill();
    await db.destroy();
  });

  it("answers the calls in flight, refuses new connections, exits 0 and leaves consistent rows", async () => {
    // enough adapter slots for all five: each is inside its adapter call when SIGTERM comes
    server = await startServerProcess({ databaseUrl, env: { DEMO_SAAS_PROVISION_DELAY_MS: "1000", KOOGATE_ADAPTER_CONCURRENCY: "8" } });
    const orders = Array.from({ length: 5 }, (_, i) => ({
      activity: "newInstance",
      orderId: `TERM-${i}`,
      orderLineId: `TERM-${i}-1`,
      businessId: `biz-term-${i}`,
    }));
    const inFlight = orders.map((o) => server.send(o));
    // wait until every call holds its claim, i.e. is inside the adapter's second of work
    for (let i = 0; i < 100; i++) {
      const n = await db("koogate_operations").count({ n: "*" }).first();
      if (Number(n?.n) === orders.length) break;
      await sleep(20);
    }
    const t0 = Date.now();
    server.child.kill("SIGTERM");
    await sleep(100);
    expect(await connectTo(server.port), "a new connection after SIGTERM").to.equal("ECONNREFUSED");
    const replies = await Promise.all(inFlight);
    expect(replies.map((r) => r.json)).to.deep.equal(orders.map((o) => ({ resultCode: "000000", resultMsg: "success.", instanceId: o.businessId })));
    expect(await server.exited, "exit status").to.equal(0);
    console.log(`      (exited ${Date.now() - t0} ms after SIGTERM)`);
    expect((await db("koogate_instances").orderBy("instance_id").pluck("instance_id")).length).to.equal(5);
    expect(await db("demo_saas_accounts").count({ n: "*" }).first()).to.satisfy((c: { n: unknown }) => Number(c.n) === 5);
    expect(await db("koogate_operations").whereNot({ state: "done" }).count({ n: "*" }).first()).to.satisfy(
      (c: { n: unknown }) => Number(c.n) === 0,
    );
  });

  it("leaves the work it queued for want of an adapter slot to the next start, which provisions every instance", async () => {
    server = await startServerProcess({ databaseUrl, env: { DEMO_SAAS_PROVISION_DELAY_MS: "1000", KOOGATE_ADAPTER_CONCURRENCY: "2" } });
    const orders = Array.from({ length: 5 }, (_, i) => ({ activity: "newInstance", orderId: `QUEUED-${i}`, orderLineId: `QUEUED-${i}-1`, businessId: `biz-queued-${i}` }));
    const inFlight = orders.map((o) => server.send(o));
    for (let i = 0; i < 100 && Number((await db("koogate_operations").count({ n: "*" }).first())?.n) < orders.length; i++) await sleep(20);
    server.child.kill("SIGTERM");
    expect((await Promise.all(inFlight)).map((r) => r.json.resultCode)).to.deep.equal(orders.map(() => "000000"));
    expect(await server.exited, "exit status").to.equal(0);
    const left = await db("koogate_instances").where({ state: "provisioning" }).pluck("instance_id");
    expect(left.length, "instances left provisioning").to.be.above(0);
    expect(await db("koogate_jobs").where({ state: "pending" }).whereIn("instance_id", left).count({ n: "*" }).first()).to.satisfy(
      (c: { n: unknown }) => Number(c.n) === left.length,
    );
    server = await startServerProcess({ databaseUrl });
    for (let i = 0; i < 200 && Number((await db("koogate_instances").where({ state: "active" }).count({ n: "*" }).first())?.n) < orders.length; i++) await sleep(50);
    expect(await db("koogate_instances").orderBy("instance_id").pluck("state")).to.deep.equal(orders.map(() => "active"));
    expect(await db("demo_saas_accounts").count({ n: "*" }).first()).to.satisfy((c: { n: unknown }) => Number(c.n) === 5);
  });
});
