import { expect } from "chai";
import { testDatabaseKind } from "../test/support/database.js";
import { startServer, type TestServer } from "../test/support/server.js";
import { figures } from "./support/figures.js";

// KooGallery resends a newInstance until it gets an answer; every resend has a new businessId (docs/marketplace/saas.md §4.1).
describe(`200 concurrent resends of one order (${testDatabaseKind})`, function () {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(() => s.close());

  it("make one instance, one account, and the same answer for all", async () => {
    const order = { activity: "newInstance", orderId: "RESEND-1", orderLineId: "RESEND-1-1" };
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => s.send({ ...order, businessId: `biz-resend-${i}` })));
    figures.requests += 200;
    figures.faults += 199;
    figures.fiveHundreds += replies.filter((r) => r.status >= 500).length;
    const answers = new Map<string, number>();
    for (const r of replies) answers.set(r.text, (answers.get(r.text) ?? 0) + 1);
    expect([...answers.keys()], "one answer, byte for byte").to.have.length(1);
    const instanceId = replies[0]!.json.instanceId;
    expect(replies[0]!.json.resultCode).to.equal("000000");
    expect(await s.koogate.db("koogate_instances").pluck("instance_id")).to.deep.equal([instanceId]);
    expect(await s.koogate.db("demo_saas_accounts").pluck("instance_id")).to.deep.equal([instanceId]);
  });
});
