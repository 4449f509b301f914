import { expect } from "chai";
import type { Knex } from "knex";
import { signBasicRequest } from "../../core/signing/basic.js";
import { createDatabase } from "../../core/store/database.js";
import { TEST_KEY } from "../support/client.js";
import { freshDatabaseUrl } from "../support/database.js";
import { startServerProcess, type ServerProcess } from "../support/process.js";
import { onPostgres } from "../support/environment.js";

// Two koogate processes on one PostgreSQL: the database, not either process, decides (docs/marketplace/saas.md §4.1).
describe("two koogate processes sharing one PostgreSQL database", function () {
  let a: ServerProcess;
  let b: ServerProcess;
  let db: Knex;

  before(async function () {
    if (!onPostgres) {
      console.log("    (skipped: set KOOGATE_TEST_DATABASE_URL to a PostgreSQL server; .ci/run and npm run test:pg do)");
      this.skip();
    }
    const databaseUrl = await freshDatabaseUrl();
    // both start at once: the migration lock lets one migrate while the other waits
    [a, b] = await Promise.all([startServerProcess({ databaseUrl }), startServerProcess({ databaseUrl })]);
    db = createDatabase(databaseUrl);
  });
  after(async () => {
    await Promise.all([a?.kill(), b?.kill()]);
    await db?.destroy();
  });

  it("makes one instance and one adapter call for one order sent 20 times to each process at once", async () => {
    const order = { activity: "newInstance", orderId: "CS-TWO", orderLineId: "CS-TWO-1", testFlag: "0" };
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).send({ ...order, businessId: `biz-two-${i}` })),
    );
    const answers = new Set(replies.map((r) => `${r.json.resultCode} ${r.json.instanceId}`));
    expect(answers.size, [...answers].join(" | ")).to.equal(1);
    expect([...answers][0]).to.match(/^000000 biz-two-\d+$/);
    const instanceId = replies[0]!.json.instanceId;
    expect(await db("koogate_instances").where({ order_id: "CS-TWO" }).pluck("instance_id")).to.deep.equal([instanceId]);
    expect(await db("demo_saas_accounts").pluck("instance_id")).to.deep.equal([instanceId]);
  });

  it("accepts a nonce in one process and refuses it with 000001 in the other", async () => {
    const body = JSON.stringify({ activity: "queryInstance", instanceId: "none-such" });
    const { query } = signBasicRequest({ accessKey: TEST_KEY, body });
    const first = await a.send(body, { query });
    const second = await b.send(body, { query });
    expect(first.json.resultCode, "the first delivery is past the nonce check (the instance is unknown)").to.equal("000003");
    expect(second.json).to.deep.equal({ resultCode: "000001", resultMsg: "token is invalid" });
  });

  it("lets exactly one of two simultaneous deliveries of one nonce through", async () => {
    const body = JSON.stringify({ activity: "queryInstance", instanceId: "none-such" });
    const { query } = signBasicRequest({ accessKey: TEST_KEY, body });
    const codes = (await Promise.all([a.send(body, { query }), b.send(body, { query })])).map((r) => r.json.resultCode).sort();
    expect(codes).to.deep.equal(["000001", "000003"]);
  });
});
