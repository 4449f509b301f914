import { expect } from "chai";
import type { Knex } from "knex";
import { createDatabase } from "../core/store/database.js";
import { freshDatabaseUrl, testDatabaseKind } from "../test/support/database.js";
import { startServerProcess, type ServerProcess } from "../test/support/process.js";
import { writeProducts } from "../test/support/server.js";
import { figures } from "./support/figures.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A server killed in the middle of a slow provisioning; the marketplace resends (docs/marketplace/saas.md §4.1).
describe(`SIGKILL during a slow newInstance (${testDatabaseKind})`, function () {
  let databaseUrl: string;
  let productsDir: string;
  let db: Knex;
  let server: ServerProcess | undefined;
  const order = { activity: "newInstance", orderId: "KILL-1", orderLineId: "KILL-1-1", businessId: "biz-kill-first" };

  before(async () => {
    databaseUrl = await freshDatabaseUrl();
    productsDir = writeProducts();
    db = createDatabase(databaseUrl);
  });
  after(async () => {
    await server?.kill();
    await db.destroy();
  });

  it("completes after a restart and a resend, with one instance and one account", async () => {
    server = await startServerProcess({ databaseUrl, productsDir, env: { DEMO_SAAS_PROVISION_DELAY_MS: "3000" } });
    figures.requests++;
    const first = server.send(order).then(
      (r) => r.json.resultCode,
      () => "no answer",
    );
    // kill once the first delivery holds its claim, i.e. in the middle of the adapter's work
    for (let i = 0; i < 100 && !(await db("koogate_operations").where({ activity: "newInstance" }).first()); i++) await sleep(20);
    await server.kill();
    figures.faults++;
    expect(await first, "the killed delivery got no success").to.not.equal("000000");

    server = await startServerProcess({ databaseUrl, productsDir });
    let answer: Record<string, unknown> = {};
    const t0 = Date.now();
    let resends = 0;
    // the marketplace resends for hours; here for at most 60 s
    while (Date.now() - t0 < 60_000) {
      resends++;
      figures.requests++;
      const r = await server.send({ ...order, businessId: `biz-kill-resend-${resends}` });
      if (r.status >= 500) figures.fiveHundreds++;
      answer = r.json;
      if (answer.resultCode === "000000") break;
      expect(answer.resultCode, "a resend before completion is a retryable failure").to.equal("000005");
      await sleep(1000);
    }
    console.log(`      (completed ${Math.round((Date.now() - t0) / 1000)} s after the restart, on resend ${resends})`);
    expect(answer).to.deep.equal({ resultCode: "000000", resultMsg: "success.", instanceId: "biz-kill-first" });
    expect(await db("koogate_instances").where({ order_id: "KILL-1" }).pluck("instance_id")).to.deep.equal(["biz-kill-first"]);
    expect(await db("demo_saas_accounts").pluck("instance_id")).to.deep.equal(["biz-kill-first"]);
  });
});
