import { expect } from "chai";
import { DEMO_LICENSE_DEV_SEED } from "../../../adapters/demo-license.js";
import { createPublicKey } from "node:crypto";
import { privateKeyFrom, verifyLicense } from "../../../core/kinds/license/signed-licence.js";
import { signBasicRequest } from "../../../core/signing/basic.js";
import { SignatureError } from "../../../core/signing/signature-error.js";
import { startLocalMarketplace, type LocalMarketplace } from "../../../sim/marketplace/server.js";
import { DEV_MARKETPLACE_AK, DEV_MARKETPLACE_SK } from "../../../sim/marketplace/dev-keys.js";
import { testDatabaseKind } from "../../support/database.js";
import { LICENSE_ENV, licenseCalls, licenseYaml, marketplaceEnv, RecordingLicenseAdapter } from "../../support/license.js";
import { startServer, type TestServer } from "../../support/server.js";
import { eventually } from "../../support/wait.js";

/** docs/marketplace/license.md §7.2, getLicenseAsync: keys unsorted in the raw body; signed over the canonical form. */
const VECTOR_KEY = "00000000-1111-2222-3333-444444444444";
const VECTOR_QUERY = "signature=613b79ee7a7cc5e6197bb6865885d283d35bc090b1d2d32b48008722f5297d88&timestamp=1700000000000&nonce=0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF";
const VECTOR_BODY =
  '{"activity":"getLicenseAsync","eventId":"8b1e2f3a4c5d6e7f","instanceId":"RA2211181819B4LVS","effectiveTime":"2023-10-27 10:30:15 z","expireTime":"2024-10-27 10:30:15 z","deviceFingerprint":"00:1A:2B:3C:4D:5E|WD-123|MB-456|CPU-789","testFlag":"1"}';
const DEV_PUBLIC_KEY = createPublicKey(privateKeyFrom(DEMO_LICENSE_DEV_SEED));
const FINGERPRINT = "00:1A:2B:3C:4D:5E|WD-123|MB-456|CPU-789";

const clock = { t: Date.now(), now() { return this.t; } };
let n = 0;
const uid = (p: string) => `${p}${++n}${Date.now().toString(36)}`;

describe(`License variant online: instances and getLicenseAsync (docs/marketplace/license.md §3, ${testDatabaseKind})`, () => {
  let s: TestServer;
  let lm: LocalMarketplace;
  const send = (body: object | string, product = "lic-online") => s.send(body, { product });
  const uploads = (eventId: string) => lm.state.uploads.filter((u) => u.eventId === eventId);
  async function instance(product = "lic-online", businessId = uid("biz")): Promise<string> {
    const r = await send({ activity: "newInstance", orderId: uid("CS"), orderLineId: uid("L"), businessId }, product);
    expect(r.json.resultCode).to.equal("000000");
    return r.json.instanceId as string;
  }
  const apply = (instanceId: string, eventId: string, extra: object = {}, product = "lic-online") =>
    send({ activity: "getLicenseAsync", eventId, instanceId, effectiveTime: "2025-01-01 00:00:00 z", deviceFingerprint: FINGERPRINT, ...extra }, product);

  before(async () => {
    lm = await startLocalMarketplace({ ak: DEV_MARKETPLACE_AK, sk: DEV_MARKETPLACE_SK });
    s = await startServer({
      products: {
        "online.yaml": licenseYaml("lic-online", "online", "provisioning:\n  budgetMs: 300"),
        "vector.yaml": licenseYaml("vector-online", "online").replace("TEST_BASIC_KEY", "VECTOR_KEY"),
        "metered.yaml": licenseYaml("lic-metered", "online", "metering: { enabled: true }"),
      },
      adapters: [RecordingLicenseAdapter],
      env: { ...LICENSE_ENV, VECTOR_KEY, ...marketplaceEnv(lm.url) },
      clock,
    });
  });
  after(async () => {
    await s.close();
    await lm.close();
  });
  beforeEach(() => {
    clock.t = Date.now();
    RecordingLicenseAdapter.issueDelayMs = 0;
    RecordingLicenseAdapter.refuseWith = undefined;
    RecordingLicenseAdapter.meterOnIssue = undefined;
  });

  it("answers the §7.2 getLicenseAsync vector 000000 and uploads a licence that verifies offline for that device", async () => {
    clock.t = 1700000000000 + 1000;
    const create = JSON.stringify({ activity: "newInstance", orderId: "CS2211181819B4LVS", orderLineId: "CS2211181819B4LVS-000001", businessId: "RA2211181819B4LVS" });
    const signed = signBasicRequest({ accessKey: VECTOR_KEY, body: create, timestamp: String(clock.t) });
    expect((await s.send(create, { product: "vector-online", key: VECTOR_KEY, query: signed.query })).json.instanceId).to.equal("RA2211181819B4LVS");
    const r = await s.send(VECTOR_BODY, { product: "vector-online", key: VECTOR_KEY, query: VECTOR_QUERY });
    expect(r.json).to.deep.equal({ resultCode: "000000", resultMsg: "success." });
    const [up] = await eventually(async () => (uploads("8b1e2f3a4c5d6e7f").length ? uploads("8b1e2f3a4c5d6e7f") : null), "the upload");
    expect(up!.type).to.equal("CHARACTERS");
    const v = verifyLicense(up!.characters!, DEV_PUBLIC_KEY, { fingerprint: FINGERPRINT, now: new Date("2024-01-01T00:00:00Z") });
    expect(v.device).to.be.a("string");
    expect(() => verifyLicense(up!.characters!, DEV_PUBLIC_KEY, { fingerprint: "OTHER|DEVICE", now: new Date("2024-01-01T00:00:00Z") }))
      .to.throw(SignatureError, "issued for another device")
      .with.property("reason", "bad-signature");
  });

  it("answers 000903 when no device fingerprint is sent", async () => {
    const r = await apply(await instance(), uid("ev"), { deviceFingerprint: "" });
    expect(r.json).to.deep.equal({ resultCode: "000903", resultMsg: "deviceFingerprint is required" });
  });

  it("answers 000003 for an instance that does not exist", async () => {
    expect((await apply("no-such-instance", uid("ev"))).json.resultCode).to.equal("000003");
  });

  it("issues one licence and uploads it once for concurrent resends of one application", async () => {
    const instanceId = await instance();
    const eventId = uid("ev");
    RecordingLicenseAdapter.issueDelayMs = 150;
    const answers = await Promise.all(Array.from({ length: 5 }, () => apply(instanceId, eventId)));
    expect(answers.map((a) => a.json.resultCode)).to.deep.equal(Array(5).fill("000000"));
    await eventually(async () => uploads(eventId).length === 1, "the upload");
    await new Promise((r) => setTimeout(r, 700));
    expect(uploads(eventId)).to.have.length(1);
    expect((await licenseCalls(s.koogate.db, "issueLicense")).filter((c) => c.eventId === eventId)).to.have.length(1);
  });

  it("answers a later resend without issuing or uploading again", async () => {
    const instanceId = await instance();
    const eventId = uid("ev");
    await apply(instanceId, eventId);
    await eventually(async () => uploads(eventId).length === 1, "the upload");
    expect((await apply(instanceId, eventId)).json.resultCode).to.equal("000000");
    await new Promise((r) => setTimeout(r, 700));
    expect(uploads(eventId)).to.have.length(1);
    expect(await s.koogate.db("koogate_issued_licenses").where({ event_id: eventId }).pluck("state")).to.deep.equal(["uploaded"]);
  });

  it("issues a second licence for the same event on another device", async () => {
    const instanceId = await instance();
    const eventId = uid("ev");
    await apply(instanceId, eventId);
    await apply(instanceId, eventId, { deviceFingerprint: "AA:BB|OTHER" });
    await eventually(async () => uploads(eventId).length === 2, "two uploads");
    expect(uploads(eventId)[0]!.characters).to.not.equal(uploads(eventId)[1]!.characters);
  });

  it("answers the adapter's 000900 and caches nothing: a resend once quota exists succeeds", async () => {
    const instanceId = await instance();
    const eventId = uid("ev");
    RecordingLicenseAdapter.refuseWith = "000900";
    expect((await apply(instanceId, eventId)).json).to.deep.equal({ resultCode: "000900", resultMsg: "the licence quota of the current order is used up" });
    RecordingLicenseAdapter.refuseWith = undefined;
    expect((await apply(instanceId, eventId)).json.resultCode).to.equal("000000");
    await eventually(async () => uploads(eventId).length === 1, "the upload");
  });

  it("answers within the budget when the adapter is slow, then issues and uploads from the outbox", async () => {
    const instanceId = await instance();
    const eventId = uid("ev");
    RecordingLicenseAdapter.issueDelayMs = 1200;
    const t0 = Date.now();
    expect((await apply(instanceId, eventId)).json.resultCode).to.equal("000000");
    expect(Date.now() - t0).to.be.below(1100);
    expect(await s.koogate.db("koogate_issued_licenses").where({ event_id: eventId }).pluck("state")).to.deep.equal(["issuing"]);
    await eventually(async () => uploads(eventId).length === 1, "the upload");
  });

  it("stores the licence sealed: no column holds it in clear", async () => {
    const instanceId = await instance();
    const eventId = uid("ev");
    await apply(instanceId, eventId);
    const [up] = await eventually(async () => (uploads(eventId).length ? uploads(eventId) : null), "the upload");
    const rows = JSON.stringify([await s.koogate.db("koogate_issued_licenses").select(), await s.koogate.db("koogate_jobs").select(), await s.koogate.db("koogate_events").select()]);
    expect(rows).to.not.include(up!.characters!.slice(0, 40));
    expect(rows).to.not.include(FINGERPRINT);
  });

  it("runs the SaaS-style lifecycle: create, query, refresh, freeze, upgrade, release, release again", async () => {
    const instanceId = await instance();
    const q = await send({ activity: "queryInstance", instanceId });
    expect(q.json).to.deep.equal({ resultCode: "000000", resultMsg: "success.", info: [{ instanceId }] });
    const order = { orderId: uid("CS"), orderLineId: uid("L") };
    expect((await send({ activity: "refreshInstance", instanceId, scene: "RENEWAL", expireTime: "20300101000000", ...order })).json.resultCode).to.equal("000000");
    expect((await send({ activity: "updateInstanceStatus", instanceId, status: "FREEZE" })).json.resultCode).to.equal("000000");
    expect((await send({ activity: "upgradeInstance", instanceId, ...order })).json.resultCode).to.equal("000000");
    expect((await send({ activity: "releaseInstance", instanceId })).json.resultCode).to.equal("000000");
    expect((await send({ activity: "releaseInstance", instanceId })).json.resultCode).to.equal("000000");
    expect((await apply(instanceId, uid("ev"))).json.resultCode).to.equal("000003");
  });

  it("hands the adapter of a metered listing its usage recorder: what it records for the instance is stored to be pushed", async () => {
    const instanceId = await instance("lic-metered");
    const hour = Math.floor(clock.now() / 3_600_000) * 3_600_000;
    RecordingLicenseAdapter.meterOnIssue = { value: 3, begin: new Date(hour - 3_600_000), end: new Date(hour) };
    expect((await apply(instanceId, uid("ev"), {}, "lic-metered")).json.resultCode).to.equal("000000");
    // issued within the budget, or from the outbox past it
    const rows = await eventually(async () => {
      const found: Array<Record<string, unknown>> = await s.koogate.db("koogate_usage").where({ product_id: "lic-metered", instance_id: instanceId });
      return found.length ? found : null;
    }, "the usage row");
    expect(rows.map((r) => [r.usage_value, Number(r.begin_at), Number(r.end_at)])).to.deep.equal([["3", hour - 3_600_000, hour]]);
  });

  it("applies the SaaS 2.0 field rules to the instance activities (000002 naming the field)", async () => {
    const r = await send({ activity: "newInstance", orderId: "o", businessId: "b" });
    expect(r.json).to.deep.equal({ resultCode: "000002", resultMsg: "param is invalid: orderLineId is missing" });
  });

  it("answers 000002 for eventId longer than 64 characters", async () => {
    const r = await apply(await instance(), "e".repeat(65));
    expect(r.json).to.deep.equal({ resultCode: "000002", resultMsg: "param is invalid: eventId is longer than 64 characters" });
  });
});
