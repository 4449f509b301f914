import { expect } from "chai";
import { verifyBodySign } from "../../../core/signing/body-sign.js";
import { testDatabaseKind } from "../../support/database.js";
import { LICENSE_ENV, LICENSE_TEST_KEY, licenseCalls, licenseYaml, RecordingLicenseAdapter } from "../../support/license.js";
import { startServer, TEST_KEY, type TestServer } from "../../support/server.js";
import { codeDigest } from "../../../core/kinds/license/codes.js";

/** docs/marketplace/license.md §7.2: the made-up key, nonce and timestamp of the self-computed vectors. */
const VECTOR_KEY = "00000000-1111-2222-3333-444444444444";
const VECTOR_NONCE = "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF";
const VECTOR_TIMESTAMP = 1700000000000;
const VECTORS = [
  {
    activity: "refreshLicenseCode",
    body: '{"activity":"refreshLicenseCode","expireTime":"20230523201932","license":"PL0000000001","orderId":"CS2305231930ABCDE","orderLineId":"CS2305231930ABCDE-000001","productId":"OFFI000000000000000001","scene":"RENEWAL","testFlag":"1"}',
    signature: "3680e7c60e6e36d1d63566149fc8dcdb737a0c649f2eb009c2465be6da222e54",
  },
  {
    activity: "updateLicenseCodeStatus",
    body: '{"activity":"updateLicenseCodeStatus","license":"PL0000000001","status":"FREEZE","testFlag":"1"}',
    signature: "75d0a4eb8a58f15dd2fd7dd162668eaf8c4967b6101e1d96edf1bcff5e10eccc",
  },
  {
    activity: "releaseLicenseCode",
    body: '{"activity":"releaseLicenseCode","license":"PL0000000001","orderId":"CS2305231930ABCDE","orderLineId":"CS2305231930ABCDE-000001","testFlag":"1"}',
    signature: "7377e7ce1c7c5d23f7c61d09edf3df79069770d24ad9bdafc0f7b7e834c5d769",
  },
];

const clock = { t: Date.now(), now() { return this.t; } };
let n = 0;
const code = () => `PLTEST${++n}X${Date.now().toString(36).toUpperCase()}`;

describe(`License variant code: the authorization-code calls (docs/marketplace/license.md §2.2, ${testDatabaseKind})`, () => {
  let s: TestServer;
  const send = (body: object, key = LICENSE_TEST_KEY) => s.send(body, { product: "lic-code", key });
  const row = (c: string) => s.koogate.db("koogate_license_codes").where({ product_id: "lic-code", code_digest: codeDigest(c) }).first();
  const refresh = (c: string, orderId: string, expireTime: string, scene = "RENEWAL") =>
    send({ activity: "refreshLicenseCode", license: c, scene, orderId, orderLineId: `${orderId}-000001`, expireTime });

  before(async () => {
    s = await startServer({
      products: { "code.yaml": licenseYaml("lic-code", "code"), "vector.yaml": licenseYaml("vector-code", "code").replace("TEST_LICENSE_KEY", "VECTOR_KEY") },
      adapters: [RecordingLicenseAdapter],
      env: { ...LICENSE_ENV, VECTOR_KEY },
      clock,
    });
  });
  after(() => s.close());
  beforeEach(() => (clock.t = Date.now()));

  it("answers each §7.2 vector (exact bytes, vector signature) 000000 with a Body-Sign made with the license key", async () => {
    clock.t = VECTOR_TIMESTAMP + 1000;
    for (const v of VECTORS) {
      const query = `signature=${v.signature}&timestamp=${VECTOR_TIMESTAMP}&nonce=${VECTOR_NONCE}`;
      // the three vectors share one nonce: forget it between them, as the end of its window would
      await s.koogate.db("koogate_nonces").del();
      const r = await s.send(v.body, { product: "vector-code", key: VECTOR_KEY, query });
      expect(r.json, v.activity).to.deep.equal({ resultCode: "000000", resultMsg: "success." });
      expect(verifyBodySign(r.bodySign, r.text, [VECTOR_KEY]), "the license key signed the answer").to.equal(0);
    }
    const stored = await s.koogate.db("koogate_license_codes").where({ product_id: "vector-code" }).first();
    expect(stored).to.include({ status: "released", order_id: "CS2305231930ABCDE", code_hint: "0001" });
    expect(Number(stored.expire_at)).to.equal(Date.UTC(2023, 4, 23, 20, 19, 32));
  });

  it("refuses a licence-code call signed with the basic key (000001) and stores nothing", async () => {
    const c = code();
    const r = await send({ activity: "updateLicenseCodeStatus", license: c, status: "FREEZE" }, TEST_KEY);
    expect(r.json.resultCode).to.equal("000001");
    expect(await row(c)).to.equal(undefined);
  });

  it("records a code it has not seen on first contact, with the call's state", async () => {
    const c = code();
    expect((await send({ activity: "updateLicenseCodeStatus", license: c, status: "FREEZE" })).json.resultCode).to.equal("000000");
    expect(await row(c)).to.include({ status: "frozen", code_hint: c.slice(-4) });
  });

  it("never stores or logs the code itself: the row, the operation and the event name its digest", async () => {
    const c = code();
    await refresh(c, "CS2401011200AAAAA", "20300101000000");
    const dump = JSON.stringify([await row(c), await s.koogate.db("koogate_operations").select(), await s.koogate.db("koogate_events").select()]);
    expect(dump).to.not.include(c);
  });

  it("answers a second release 000000 without calling the adapter again", async () => {
    const c = code();
    const release = { activity: "releaseLicenseCode", license: c };
    expect((await send(release)).json.resultCode).to.equal("000000");
    expect((await send(release)).json.resultCode).to.equal("000000");
    expect((await licenseCalls(s.koogate.db, "revokeCode")).filter((x) => x.license === c)).to.have.length(1);
    expect(await row(c)).to.include({ status: "released" });
  });

  it("applies a renewal resent with the same order once", async () => {
    const c = code();
    expect((await refresh(c, "CS2401011200AAAAA", "20300101000000")).json.resultCode).to.equal("000000");
    expect((await refresh(c, "CS2401011200AAAAA", "20300101000000")).json.resultCode).to.equal("000000");
    expect((await licenseCalls(s.koogate.db, "renewCode")).filter((x) => x.license === c)).to.have.length(1);
  });

  it("ends in the newest order's expiry when an older renewal arrives after a newer one", async () => {
    const c = code();
    await refresh(c, "CS2402011200BBBBB", "20310101000000");
    const late = await refresh(c, "CS2401011200AAAAA", "20300101000000");
    expect(late.json.resultCode).to.equal("000000");
    const r = await row(c);
    expect(r).to.include({ order_id: "CS2402011200BBBBB" });
    expect(Number(r.expire_at)).to.equal(Date.UTC(2031, 0, 1));
    expect((await licenseCalls(s.koogate.db, "renewCode")).filter((x) => x.license === c).map((x) => x.orderId)).to.deep.equal(["CS2402011200BBBBB"]);
  });

  it("moves the expiry back for a renewal cancellation that is the newest order", async () => {
    const c = code();
    await refresh(c, "CS2402011200BBBBB", "20310101000000");
    await refresh(c, "CS2403011200CCCCC", "20300101000000", "UNSUBSCRIBE_RENEWAL_PERIOD");
    expect(Number((await row(c)).expire_at)).to.equal(Date.UTC(2030, 0, 1));
  });

  it("stays released when a renewal arrives after the release", async () => {
    const c = code();
    await send({ activity: "releaseLicenseCode", license: c });
    expect((await refresh(c, "CS2402011200BBBBB", "20310101000000")).json.resultCode).to.equal("000000");
    expect(await row(c)).to.include({ status: "released" });
  });

  it("unfreezes a frozen code and skips an unfreeze of an active one", async () => {
    const c = code();
    await send({ activity: "updateLicenseCodeStatus", license: c, status: "FREEZE" });
    await send({ activity: "updateLicenseCodeStatus", license: c, status: "UNFREEZE" });
    await send({ activity: "updateLicenseCodeStatus", license: c, status: "UNFREEZE" });
    expect(await row(c)).to.include({ status: "active" });
    expect((await licenseCalls(s.koogate.db, "unfreezeCode")).filter((x) => x.license === c)).to.have.length(1);
  });

  it("answers 000002 naming the field for an expireTime that is not a real time", async () => {
    const r = await refresh(code(), "CS2402011200BBBBB", "20311301000000");
    expect(r.json).to.deep.equal({ resultCode: "000002", resultMsg: "param is invalid: expireTime is not a real yyyyMMddHHmmss time" });
  });

  it("answers 000002 for a SaaS activity sent to a licence-code listing", async () => {
    const r = await send({ activity: "newInstance", orderId: "o", orderLineId: "l", businessId: "b" });
    expect(r.json).to.deep.equal({ resultCode: "000002", resultMsg: "param is invalid: unknown activity" });
  });
});
