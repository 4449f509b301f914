import { expect } from "chai";
import { main } from "../../bin/cli.js";
import type { Io } from "../../core/cli/args.js";
import type { ReconcileReport } from "../../core/ops/reconcile.js";
import { ReconciliationStore } from "../../core/store/reconciliations.js";
import { DEV_MARKETPLACE_AK, DEV_MARKETPLACE_SK } from "../../sim/marketplace/dev-keys.js";
import { startLocalMarketplace, type LocalMarketplace } from "../../sim/marketplace/server.js";
import { newInstanceBody } from "../support/orders.js";
import { plantNotifiedOrder, plantUsage } from "../support/planted.js";
import { startServer, type TestServer } from "../support/server.js";

const YEAR_2030 = "20301231235959";
const HOUR = 3_600_000;

/** Runs `koogate reconcile …` in-process against the server's database and the local marketplace. */
async function reconcile(s: TestServer, mkt: LocalMarketplace, args: string[]) {
  const out: string[] = [];
  const io: Io = {
    out: (l) => out.push(l),
    err: (l) => out.push(l),
    env: { KOOGATE_DATABASE_URL: s.databaseUrl, KOOGATE_MARKETPLACE_URL: mkt.url, KOOGATE_MARKETPLACE_AK: DEV_MARKETPLACE_AK, KOOGATE_MARKETPLACE_SK: DEV_MARKETPLACE_SK },
  };
  const code = await main(["reconcile", ...args], io);
  return { code, text: out.join("\n") };
}

/**
 * An order the local marketplace knows, and an instance koogate provisioned for it through newInstance,
 * its expiry set by a renewal's refreshInstance (a 2.0 newInstance carries none, docs/marketplace/saas.md §4).
 */
async function plant(s: TestServer, mkt: LocalMarketplace, o: { orderId: string; orderType?: string; theirExpiry?: string; ourExpiry?: string; inMarketplace?: boolean }) {
  if (o.inMarketplace !== false) {
    mkt.state.addOrder({ orderId: o.orderId, orderType: o.orderType ?? "NEW", orderLine: [{ chargingMode: "PERIOD", expireTime: o.theirExpiry ?? YEAR_2030, productInfo: [] }] });
  }
  const line = { orderId: o.orderId, orderLineId: `${o.orderId}-000001` };
  const body = newInstanceBody(line);
  expect((await s.send(body)).json.resultCode).to.equal("000000");
  const refresh = { activity: "refreshInstance", instanceId: body.businessId, ...line, scene: "RENEWAL", expireTime: o.ourExpiry ?? YEAR_2030, testFlag: "0" };
  expect((await s.send(refresh)).json.resultCode).to.equal("000000");
  return body.businessId;
}

describe("koogate reconcile against the local marketplace", () => {
  let s: TestServer;
  let mkt: LocalMarketplace;
  beforeEach(async () => {
    s = await startServer();
    mkt = await startLocalMarketplace({ port: 0, ak: DEV_MARKETPLACE_AK, sk: DEV_MARKETPLACE_SK });
  });
  afterEach(async () => {
    await s.close();
    await mkt.close();
  });

  it("exits 0 and says all agree when every order matches koogate's instance", async () => {
    await plant(s, mkt, { orderId: "ORDOK1" });
    const r = await reconcile(s, mkt, []);
    expect(r.code).to.equal(0);
    expect(r.text).to.contain("1 order(s) compared").and.contain("all agree");
  });

  it("reports each planted mismatch once, by kind, as JSON, and exits 1", async () => {
    await plant(s, mkt, { orderId: "ORDOK1" });
    await plant(s, mkt, { orderId: "ORDEXPIRY", ourExpiry: "20291231235959" });
    await plant(s, mkt, { orderId: "ORDGONE", orderType: "UNSUBSCRIBE" });
    await plant(s, mkt, { orderId: "ORDUNKNOWN", inMarketplace: false });
    const failed = await plant(s, mkt, { orderId: "ORDFAILED" });
    await s.koogate.db("koogate_instances").where({ instance_id: failed }).update({ state: "failed" });
    const r = await reconcile(s, mkt, ["--json"]);
    expect(r.code).to.equal(1);
    const report = JSON.parse(r.text) as ReconcileReport;
    expect(report.orders).to.equal(5);
    expect(report.mismatches.map((m) => `${m.orderId}:${m.kind}`).sort()).to.deep.equal([
      "ORDEXPIRY:expiry-differs",
      "ORDFAILED:not-provisioned",
      "ORDGONE:order-released",
      "ORDUNKNOWN:order-unknown",
    ]);
  });

  it("prints a table with a line for each mismatch", async () => {
    await plant(s, mkt, { orderId: "ORDGONE", orderType: "UNSUBSCRIBE" });
    const r = await reconcile(s, mkt, []);
    expect(r.code).to.equal(1);
    const line = r.text.split("\n").find((l) => l.startsWith("order-released"))!;
    expect(line).to.contain("ORDGONE").and.contain("instance active").and.contain("order UNSUBSCRIBE");
  });

  it("reports an instance still provisioning past the deadline as not provisioned", async () => {
    const id = await plant(s, mkt, { orderId: "ORDSLOW" });
    await s.koogate.db("koogate_instances").where({ instance_id: id }).update({ state: "provisioning", created_at: Date.now() - 2 * 3_600_000 });
    const report = JSON.parse((await reconcile(s, mkt, ["--json"])).text) as ReconcileReport;
    expect(report.mismatches.map((m) => m.kind)).to.deep.equal(["not-provisioned"]);
  });

  it("compares only orders whose instance changed since --since", async () => {
    const old = await plant(s, mkt, { orderId: "ORDGONE", orderType: "UNSUBSCRIBE" });
    await s.koogate.db("koogate_instances").where({ instance_id: old }).update({ updated_at: Date.now() - 3 * 86_400_000 });
    await plant(s, mkt, { orderId: "ORDOK1" });
    const r = await reconcile(s, mkt, ["--since", "1d"]);
    expect([r.code, r.text]).to.deep.equal([0, r.text]);
    expect(r.text).to.contain("1 order(s) compared");
  });

  it("keeps the report in the database for the operator page", async () => {
    await plant(s, mkt, { orderId: "ORDGONE", orderType: "UNSUBSCRIBE" });
    await reconcile(s, mkt, []);
    const last = await new ReconciliationStore(s.koogate.db).latest();
    expect(last?.mismatches.map((m) => m.kind)).to.deep.equal(["order-released"]);
  });

  it("reports a notified NEW order with no instance past the deadline as not provisioned", async () => {
    mkt.state.addOrder({ orderId: "ORDNOTIFIED", orderType: "NEW", orderLine: [{ chargingMode: "PERIOD", expireTime: YEAR_2030, productInfo: [] }] });
    await plantNotifiedOrder(s.koogate.db, { orderId: "ORDNOTIFIED", fetchedAt: Date.now() - 2 * HOUR });
    const r = await reconcile(s, mkt, ["--json"]);
    expect(r.code).to.equal(1);
    const report = JSON.parse(r.text) as ReconcileReport;
    expect(report.mismatches.map((m) => `${m.orderId}:${m.orderLineId}:${m.kind}`)).to.deep.equal(["ORDNOTIFIED:ORDNOTIFIED-000001:not-provisioned"]);
    expect(report.mismatches[0]!.koogate).to.contain("no instance");
  });

  it("leaves a notified order without an instance alone, unasked, while it is within the provisioning deadline", async () => {
    mkt.state.addOrder({ orderId: "ORDFRESH", orderType: "NEW", orderLine: [{ chargingMode: "PERIOD", expireTime: YEAR_2030, productInfo: [] }] });
    await plantNotifiedOrder(s.koogate.db, { orderId: "ORDFRESH", fetchedAt: Date.now() - 60_000 });
    const r = await reconcile(s, mkt, []);
    expect([r.code, r.text]).to.deep.equal([0, r.text]);
    expect(r.text, "not even asked about").to.contain("0 order(s) compared");
  });

  it("compares a notified order that has an instance once, through its instance", async () => {
    await plant(s, mkt, { orderId: "ORDBOTH", ourExpiry: "20291231235959" });
    await plantNotifiedOrder(s.koogate.db, { orderId: "ORDBOTH", fetchedAt: Date.now() - 2 * HOUR });
    const report = JSON.parse((await reconcile(s, mkt, ["--json"])).text) as ReconcileReport;
    expect(report.orders).to.equal(1);
    expect(report.mismatches.map((m) => m.kind)).to.deep.equal(["expiry-differs"]);
  });

  it("expects no instance under a renewal's own order id (its instance belongs to the first order)", async () => {
    mkt.state.addOrder({ orderId: "ORDRENEW", orderType: "RENEW", orderLine: [{ chargingMode: "PERIOD", expireTime: YEAR_2030, productInfo: [] }] });
    await plantNotifiedOrder(s.koogate.db, { orderId: "ORDRENEW", orderType: "RENEW", fetchedAt: Date.now() - 2 * HOUR });
    const r = await reconcile(s, mkt, []);
    expect([r.code, r.text]).to.deep.equal([0, r.text]);
  });

  it("reports usage records pending after their push was due and rejected ones, with why, and not the others", async () => {
    const instanceId = await plant(s, mkt, { orderId: "ORDMETERED" });
    const db = s.koogate.db;
    const now = Date.now();
    const late = await plantUsage(db, { instanceId, beginAt: now - 5 * HOUR, state: "pending", createdAt: now - 2 * HOUR, pushAttempts: 3 });
    const refused = await plantUsage(db, { instanceId, beginAt: now - 4 * HOUR, state: "rejected", createdAt: now - 3 * HOUR, errorCode: "MKT.9004", errorMsg: "record too old" });
    await plantUsage(db, { instanceId, beginAt: now - 3 * HOUR, state: "pending", createdAt: now - 60_000 });
    await plantUsage(db, { instanceId, beginAt: now - 2 * HOUR, state: "pushed", createdAt: now - 2 * HOUR });
    const r = await reconcile(s, mkt, ["--json"]);
    expect(r.code).to.equal(1);
    const report = JSON.parse(r.text) as ReconcileReport;
    expect(report.mismatches.map((m) => [m.kind, m.meteringSn, m.orderId, m.instanceId])).to.deep.equal([
      ["usage-not-acknowledged", late, "ORDMETERED", instanceId],
      ["usage-not-acknowledged", refused, "ORDMETERED", instanceId],
    ]);
    expect(report.mismatches[0]!.koogate).to.contain("usage pending").and.contain("3 push attempt(s)");
    expect(report.mismatches[0]!.marketplace).to.equal("no push accepted yet");
    expect(report.mismatches[1]!.marketplace).to.equal("rejected MKT.9004: record too old");
  });

  it("takes a usage record as due after KOOGATE_USAGE_FLUSH_SECONDS", async () => {
    const instanceId = await plant(s, mkt, { orderId: "ORDMETERED" });
    await plantUsage(s.koogate.db, { instanceId, beginAt: Date.now() - 2 * HOUR, state: "pending", createdAt: Date.now() - 10 * 60_000 });
    const out: string[] = [];
    const env = { KOOGATE_DATABASE_URL: s.databaseUrl, KOOGATE_MARKETPLACE_URL: mkt.url, KOOGATE_MARKETPLACE_AK: DEV_MARKETPLACE_AK, KOOGATE_MARKETPLACE_SK: DEV_MARKETPLACE_SK, KOOGATE_USAGE_FLUSH_SECONDS: "300" };
    const code = await main(["reconcile"], { out: (l) => out.push(l), err: (l) => out.push(l), env });
    expect(code).to.equal(1);
    expect(out.join("\n")).to.contain("usage-not-acknowledged");
  });
});
