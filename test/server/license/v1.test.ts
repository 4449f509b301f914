import { expect } from "chai";
import { createPublicKey } from "node:crypto";
import { DEMO_LICENSE_DEV_SEED } from "../../../adapters/demo-license.js";
import { privateKeyFrom, verifyLicense } from "../../../core/kinds/license/signed-licence.js";
import { signAuthToken } from "../../../core/signing/auth-token.js";
import { testDatabaseKind } from "../../support/database.js";
import { LICENSE_ENV, licenseCalls, licenseYaml, RecordingLicenseAdapter } from "../../support/license.js";
import { startServer, TEST_KEY, type TestServer } from "../../support/server.js";

/** docs/marketplace/license.md §7.2, variant C authToken. */
const VECTOR_KEY = "test-access-key-0000";
const VECTOR_QUERY =
  "activity=getLicense&businessId=61e834ba-7b97-4418-b8f7-e5345137278c&customerId=68cbc86abc2018ab880d92f36422fa0e&orderId=CS1906666666ABCDE&productId=00301-666666-0--0&skuCode=0a4d1578-5295-46a7-92d4-7c803dccc51d&testFlag=1&timeStamp=20200727073711903";
const VECTOR_TOKEN = "IQyRSsoP3PAbJaHbRDGJJsIY05hfjNMIvEOiHA4VYko=";
const VECTOR_SENT_AT = Date.UTC(2020, 6, 27, 7, 37, 11, 903);

const clock = { t: Date.now(), now() { return this.t; } };
const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:TZ.]/g, "");
let n = 0;
const uid = (p: string) => `${p}${++n}${Date.now().toString(36)}`;

function v1Query(params: Record<string, string>, key = TEST_KEY): string {
  const all = { timeStamp: stamp(clock.now()), testFlag: "0", ...params };
  const token = signAuthToken({ accessKey: key, timeStamp: all.timeStamp, params: Object.entries(all) });
  return [...Object.entries(all), ["authToken", token]].map(([k, v]) => `${k}=${encodeURIComponent(v!)}`).join("&");
}

describe(`License variant v1: the 1.0 licence (docs/marketplace/license.md §4, ${testDatabaseKind})`, () => {
  let s: TestServer;
  const get = (params: Record<string, string>) => s.get(v1Query(params), { product: "lic-v1" });
  const getLicense = (orderId: string, businessId = uid("biz")) => get({ activity: "getLicense", orderId, businessId, customerId: "c1", productId: "P1" });

  before(async () => {
    s = await startServer({
      products: { "v1.yaml": licenseYaml("lic-v1", "v1"), "vector.yaml": licenseYaml("vector-v1", "v1").replace("TEST_BASIC_KEY", "VECTOR_KEY") },
      adapters: [RecordingLicenseAdapter],
      env: { ...LICENSE_ENV, VECTOR_KEY },
      clock,
    });
  });
  after(() => s.close());
  beforeEach(() => (clock.t = Date.now()));

  it("answers the §7.2 getLicense vector with the instanceId, a licence that verifies, and a Body-Sign made with the key", async () => {
    clock.t = VECTOR_SENT_AT + 2000;
    const r = await s.get(`${VECTOR_QUERY}&authToken=${encodeURIComponent(VECTOR_TOKEN)}`, { product: "vector-v1", key: VECTOR_KEY });
    expect(r.bodySignProblem).to.equal(null);
    expect(r.json).to.include({ resultCode: "000000", resultMsg: "success.", instanceId: "61e834ba-7b97-4418-b8f7-e5345137278c" });
    expect(Object.keys(r.json)).to.deep.equal(["resultCode", "resultMsg", "instanceId", "license"]);
    const v = verifyLicense(r.json.license as string, createPublicKey(privateKeyFrom(DEMO_LICENSE_DEV_SEED)));
    expect(v.instanceId).to.equal("61e834ba-7b97-4418-b8f7-e5345137278c");
  });

  it("answers the same order resent (a new businessId) with the same instanceId and licence, issued once", async () => {
    const orderId = uid("CS");
    const first = await getLicense(orderId);
    const again = await getLicense(orderId);
    expect(again.json).to.deep.equal(first.json);
    expect((await licenseCalls(s.koogate.db, "issueLicense")).filter((c) => c.eventId === orderId)).to.have.length(1);
  });

  it("signs every answer, a refusal included", async () => {
    const r = await s.get(`${v1Query({ activity: "getLicense", orderId: "o", businessId: "b" })}`.replace(/authToken=[^&]+/, "authToken=AAAA"), { product: "lic-v1" });
    expect(r.json.resultCode).to.equal("000001");
    expect(r.bodySignProblem).to.equal(null);
  });

  it("keeps the licence out of the event log", async () => {
    const first = await getLicense(uid("CS"));
    const events = JSON.stringify(await s.koogate.db("koogate_events").select("response"));
    expect(events).to.not.include(first.json.license as string);
  });

  it("renews, expires and releases an instance; a release resent answers 000000 again", async () => {
    const { instanceId } = (await getLicense(uid("CS"))).json as { instanceId: string };
    const renewal = { activity: "refreshLicense", instanceId, orderId: uid("CS"), expireTime: "20300101000000", periodType: "year", periodNumber: "1" };
    expect((await get(renewal)).json.resultCode).to.equal("000000");
    expect((await get(renewal)).json.resultCode).to.equal("000000");
    expect((await get({ activity: "expireLicense", instanceId })).json.resultCode).to.equal("000000");
    expect((await get({ activity: "releaseLicense", instanceId })).json.resultCode).to.equal("000000");
    expect((await get({ activity: "releaseLicense", instanceId })).json.resultCode).to.equal("000000");
    const row = await s.koogate.db("koogate_instances").where({ product_id: "lic-v1", instance_id: instanceId }).first();
    expect(row).to.include({ state: "released" });
    expect(Number(row.expire_at)).to.equal(Date.UTC(2030, 0, 1));
    expect((await licenseCalls(s.koogate.db, "renewLicense")).filter((c) => c.instanceId === instanceId)).to.have.length(1);
    expect((await licenseCalls(s.koogate.db, "revokeLicense")).filter((c) => c.instanceId === instanceId)).to.have.length(1);
  });

  it("answers 000003 for a renewal of an instance that does not exist", async () => {
    expect((await get({ activity: "refreshLicense", instanceId: "nope", orderId: "o", expireTime: "20300101000000" })).json.resultCode).to.equal("000003");
  });

  it("answers 000002 for a timeStamp outside the window", async () => {
    const q = v1Query({ activity: "getLicense", orderId: "o", businessId: "b", timeStamp: stamp(clock.now() - 3_600_000) });
    expect((await s.get(q, { product: "lic-v1" })).json).to.deep.equal({ resultCode: "000002", resultMsg: "timeStamp is too old" });
  });

  it("answers 000002 for a SaaS 1.0 activity sent to a licence listing", async () => {
    expect((await get({ activity: "newInstance", orderId: "o", businessId: "b" })).json).to.deep.equal({ resultCode: "000002", resultMsg: "param is invalid: unknown activity" });
  });
});
