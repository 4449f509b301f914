import { expect } from "chai";
import { newInstanceBody } from "../../support/orders.js";
import { freshDatabaseUrl } from "../../support/database.js";
import { startServerProcess, type ServerProcess } from "../../support/process.js";
import { eventually } from "../../support/wait.js";
import { startWebhookReceiver, type WebhookReceiver } from "../../support/webhook.js";
import { onPostgres } from "../../support/environment.js";

const OPS_TOKEN = "ops-token-0123456789abcdef";

// Issue 20 (several processes seen as one) and issue 22: the operator page and the alarm read the
// calls from the database, so a process shows the calls another one answered.
describe("the operator page and the alarm of two koogate processes sharing one PostgreSQL database", function () {
  this.timeout(60_000);
  let a: ServerProcess;
  let b: ServerProcess;
  let hook: WebhookReceiver;

  before(async function () {
    if (!onPostgres) {
      console.log("    (skipped: set KOOGATE_TEST_DATABASE_URL to a PostgreSQL server; .ci/run and npm run test:pg do)");
      this.skip();
    }
    hook = await startWebhookReceiver();
    const databaseUrl = await freshDatabaseUrl();
    // both post to one webhook, once all 10 calls are stored (the minimum)
    const env = { KOOGATE_OPS_TOKEN: OPS_TOKEN, KOOGATE_ALERT_MIN_CALLS: "10", KOOGATE_ALERT_CHECK_MS: "200", KOOGATE_ALERT_WEBHOOK: hook.url };
    a = await startServerProcess({ databaseUrl, env });
    b = await startServerProcess({ databaseUrl, env });
    expect((await a.send(newInstanceBody())).json.resultCode).to.equal("000000");
    for (let i = 0; i < 9; i++) {
      // a signed call answered 000003 (no such instance): a failure the marketplace sees
      expect((await b.send({ activity: "queryInstance", instanceId: `none-such-${i}` })).json.resultCode).to.equal("000003");
    }
  });
  after(async () => {
    await Promise.all([a?.kill(), b?.kill()]);
    await hook?.close();
  });

  const overview = async (p: ServerProcess) => {
    const res = await fetch(`${p.url}/ops`, { headers: { authorization: `Bearer ${OPS_TOKEN}` } });
    expect(res.status).to.equal(200);
    return res.text();
  };
  /** the products table's row of test-saas, as its cells' text */
  const row = (page: string) => {
    const tr = /<tr><td><a href="\/ops\/products\/test-saas">test-saas<\/a><\/td>(.*?)<\/tr>/.exec(page);
    expect(tr, "test-saas's row").to.not.equal(null);
    return [...tr![1]!.matchAll(/<td>(.*?)<\/td>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ""));
  };

  it("shows on each process's page the 10 calls both answered, 9 of them failed", async () => {
    for (const p of [a, b]) expect(row(await overview(p)).slice(1, 4)).to.deep.equal(["10", "9", "90 %"]);
  });

  it("raises the failure-share alarm over both processes' calls and posts it once, not once per process", async () => {
    await eventually(async () => hook.bodies.length > 0, "the alert");
    // 9 of 10: A answered the success, B the failures; a process counting only its own calls would say 0 or 1
    expect(hook.bodies[0]).to.include({ product: "test-saas", condition: "failure-share", figure: 0.9 });
    await new Promise((r) => setTimeout(r, 1000)); // five more checks in each process
    expect(hook.bodies).to.have.length(1);
  });

  it("lists the raised alarm on each process's page", async () => {
    await eventually(async () => hook.bodies.length > 0, "the alert");
    for (const p of [a, b]) expect(await overview(p)).to.match(/<td>test-saas<\/td><td>failure-share<\/td>/);
  });
});
