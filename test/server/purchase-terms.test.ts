/**
 * What was bought reaches the backend (docs/marketplace/lifecycle.md "What a purchase carries"): the
 * 1.0 purchase and renewal quantities, typed, stored with the instance; the demo licence is sized by
 * them, and a one-off (按次) purchase has no expiry.
 */
import { expect } from "chai";
import { createPublicKey } from "node:crypto";
import { DEMO_LICENSE_DEV_SEED } from "../../adapters/demo-license.js";
import { privateKeyFrom, verifyLicense } from "../../core/kinds/license/signed-licence.js";
import { testDatabaseKind } from "../support/database.js";
import { LICENSE_ENV, licenseCalls, licenseYaml, RecordingLicenseAdapter } from "../support/license.js";
import { CALLS_TABLE, recordingYaml, RecordingAdapter } from "../support/recording-adapter.js";
import { startServer, type TestServer } from "../support/server.js";
import { v1Query } from "../support/v1-query.js";

let n = 0;
const uid = (p: string) => `${p}${++n}${Date.now().toString(36)}`;
const publicKey = createPublicKey(privateKeyFrom(DEMO_LICENSE_DEV_SEED));

describe(`quantities carried through to the backend (${testDatabaseKind})`, () => {
  let s: TestServer;
  const instance = (product: string, id: string) => s.koogate.db("koogate_instances").where({ product_id: product, instance_id: id }).first();
  const get = (product: string, params: Record<string, string>) => s.get(v1Query(params), { product });

  before(async () => {
    s = await startServer({
      products: { "lic.yaml": licenseYaml("terms-lic", "v1"), "saas.yaml": recordingYaml("terms-saas", {}, "protocol: v1") },
      adapters: [RecordingAdapter, RecordingLicenseAdapter],
      env: LICENSE_ENV,
    });
  });
  after(() => s.close());

  it("hands a quantity-priced getLicense's amount, charging mode and period to the adapter typed, stores them, and the demo licence grants that many seats", async () => {
    const orderId = uid("CS");
    const r = await get("terms-lic", { activity: "getLicense", orderId, businessId: uid("biz"), customerId: "c1", amount: "30", chargingMode: "0", periodType: "month", periodNumber: "12", expireTime: "20300101000000" });
    expect(r.json.resultCode).to.equal("000000");
    const heard = (await licenseCalls(s.koogate.db, "issueLicense")).find((c) => c.eventId === orderId)!;
    expect(heard.terms).to.deep.equal({ amount: 30, chargingMode: 0, periodType: "month", periodNumber: 12 });
    const row = await instance("terms-lic", r.json.instanceId as string);
    expect(JSON.parse(row.terms)).to.deep.equal({ amount: 30, chargingMode: 0, periodType: "month", periodNumber: 12 });
    expect(Number(row.expire_at)).to.equal(Date.UTC(2030, 0, 1));
    const v = verifyLicense(r.json.license as string, publicKey);
    expect(v).to.include({ seats: 30, notAfter: "2030-01-01T00:00:00.000Z" });
  });

  it("issues a one-off (chargingMode 3) licence without an expiry, whatever expireTime says", async () => {
    const r = await get("terms-lic", { activity: "getLicense", orderId: uid("CS"), businessId: uid("biz"), customerId: "c1", amount: "5", chargingMode: "3", expireTime: "20300101000000" });
    expect(r.json.resultCode).to.equal("000000");
    expect((await instance("terms-lic", r.json.instanceId as string)).expire_at).to.equal(null);
    const v = verifyLicense(r.json.license as string, publicKey);
    expect(v.seats).to.equal(5);
    expect(v.notAfter).to.equal(undefined);
  });

  it("hands a 1.0 newInstance's quantities and a renewal's period to the SaaS adapter typed, and stores them with the instance", async () => {
    const id = uid("biz");
    const orderId = uid("CS");
    expect((await get("terms-saas", { activity: "newInstance", businessId: id, orderId, amount: "30", chargingMode: "1", periodType: "year", periodNumber: "1", diskSize: "100", expireTime: "20300101000000", trialFlag: "1" })).json.resultCode).to.equal("000000");
    const first = await s.koogate.db(CALLS_TABLE).where({ instance_id: id, activity: "newInstance" }).first();
    expect(JSON.parse(first.input)).to.deep.include({ terms: { amount: 30, chargingMode: 1, periodType: "year", periodNumber: 1, diskSize: 100 }, trial: true });
    expect((await get("terms-saas", { activity: "refreshInstance", instanceId: id, orderId: uid("CS"), expireTime: "20320101000000", periodType: "year", periodNumber: "2", scene: "TRIAL_TO_FORMAL" })).json.resultCode).to.equal("000000");
    const renewal = await s.koogate.db(CALLS_TABLE).where({ instance_id: id, activity: "refreshInstance" }).first();
    expect(JSON.parse(renewal.input).terms).to.deep.equal({ periodType: "year", periodNumber: 2 });
    const row = await instance("terms-saas", id);
    expect(JSON.parse(row.terms)).to.deep.equal({ amount: 30, chargingMode: 1, periodType: "year", periodNumber: 2, diskSize: 100 });
    expect(Boolean(row.trial)).to.equal(false);
  });

  it("gives a one-off (chargingMode 3) 1.0 purchase no expiry", async () => {
    const id = uid("biz");
    expect((await get("terms-saas", { activity: "newInstance", businessId: id, orderId: uid("CS"), chargingMode: "3", expireTime: "20300101000000" })).json.resultCode).to.equal("000000");
    expect((await instance("terms-saas", id)).expire_at).to.equal(null);
  });

  it("refuses a quantity that is not a whole number with 000002", async () => {
    const r = await get("terms-lic", { activity: "getLicense", orderId: uid("CS"), businessId: uid("biz"), customerId: "c1", amount: "3O" });
    expect(r.json.resultCode).to.equal("000002");
  });
});
