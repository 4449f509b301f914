import { expect } from "chai";
import { testDatabaseKind } from "../support/database.js";
import { startServer, type TestServer } from "../support/server.js";

// One instance through every SaaS 2.0 activity, on the database the suite runs on (docs/marketplace/saas.md §4.1–§4.7).
describe(`an instance's whole life through the server, on ${testDatabaseKind}`, () => {
  let s: TestServer;
  const businessId = `biz-life-${Date.now()}`;
  const order = { activity: "newInstance", orderId: "CS-LIFE", orderLineId: "CS-LIFE-1", businessId, testFlag: "0" };
  const instance = () => s.koogate.db("koogate_instances").where({ product_id: "test-saas", instance_id: businessId }).first();
  const account = () => s.koogate.db("demo_saas_accounts").where({ instance_id: businessId }).first();

  before(async () => {
    s = await startServer();
  });
  after(() => s.close());

  it("creates the instance and its demo account", async () => {
    const r = await s.send(order);
    expect(r.json).to.deep.equal({ resultCode: "000000", resultMsg: "success.", instanceId: businessId });
    expect(await instance()).to.deep.include({ state: "active", order_id: "CS-LIFE" });
    expect(await account()).to.deep.include({ status: "active", plan: 1 });
  });

  it("answers a resend with the same bytes and no second account", async () => {
    const r = await s.send({ ...order, businessId: `${businessId}-again` });
    expect(r.json.instanceId).to.equal(businessId);
    expect(await s.koogate.db("demo_saas_accounts").count({ n: "*" }).first()).to.satisfy((c: { n: unknown }) => Number(c.n) === 1);
  });

  it("answers queryInstance with the stored sign-in information", async () => {
    const r = await s.send({ activity: "queryInstance", instanceId: businessId });
    const info = r.json.info as Array<{ instanceId: string; appInfo: { userName: string; frontEndUrl: string } }>;
    expect(info).to.have.length(1);
    expect(info[0]!.appInfo.frontEndUrl).to.equal(`https://example.test/login?tenant=${businessId}`);
    expect(info[0]!.appInfo.userName).to.match(/^demo_/);
  });

  it("moves the expiry on refreshInstance", async () => {
    const r = await s.send({
      activity: "refreshInstance",
      instanceId: businessId,
      orderId: "CS-RENEW",
      orderLineId: "CS-RENEW-1",
      scene: "RENEWAL",
      expireTime: "20300101000000",
    });
    expect(r.json.resultCode).to.equal("000000");
    expect(Number((await instance()).expire_at)).to.be.a("number").and.to.be.greaterThan(1_800_000_000_000);
  });

  it("freezes, answers a second freeze without the adapter, and unfreezes", async () => {
    expect((await s.send({ activity: "updateInstanceStatus", instanceId: businessId, status: "FREEZE" })).json.resultCode).to.equal("000000");
    expect((await instance()).state).to.equal("frozen");
    expect((await account()).status).to.equal("frozen");
    expect((await s.send({ activity: "updateInstanceStatus", instanceId: businessId, status: "FREEZE" })).json.resultCode).to.equal("000000");
    expect((await s.send({ activity: "updateInstanceStatus", instanceId: businessId, status: "UNFREEZE" })).json.resultCode).to.equal("000000");
    expect((await account()).status).to.equal("active");
  });

  it("applies an upgrade once however often it is sent", async () => {
    const up = { activity: "upgradeInstance", instanceId: businessId, orderId: "CS-UP", orderLineId: "CS-UP-1" };
    expect((await s.send(up)).json.resultCode).to.equal("000000");
    expect((await s.send(up)).json.resultCode).to.equal("000000");
    expect((await account()).plan).to.equal(2);
  });

  it("answers changeInstanceCheck with the adapter's verdict", async () => {
    const ok = await s.send({ activity: "changeInstanceCheck", instanceId: businessId, productInfo: { plan: 2 } });
    const refused = await s.send({ activity: "changeInstanceCheck", instanceId: businessId, productInfo: { plan: 9 } });
    expect([ok.json.resultCode, refused.json.resultCode]).to.deep.equal(["000000", "000005"]);
  });

  it("releases, answers a second release with 000000, and forgets the credentials", async () => {
    expect((await s.send({ activity: "releaseInstance", instanceId: businessId })).json.resultCode).to.equal("000000");
    expect((await s.send({ activity: "releaseInstance", instanceId: businessId })).json.resultCode).to.equal("000000");
    expect(await instance()).to.deep.include({ state: "released", app_info_sealed: null });
    expect(await account()).to.equal(undefined);
  });

  it("writes one event row per call", async () => {
    const n = await s.koogate.db("koogate_events").where({ product_id: "test-saas" }).count({ n: "*" }).first();
    expect(Number(n?.n)).to.equal(13);
  });
});
