import { expect } from "chai";
import { decryptCredential } from "../../core/crypto/credential.js";
import { DemoSaasAdapter } from "../../adapters/demo-saas.js";
import { adapterCalls, RecordingAdapter, recordingYaml } from "../support/recording-adapter.js";
import { countRows, newInstanceBody } from "../support/orders.js";
import { productYaml, startServer, TEST_KEY, type TestServer } from "../support/server.js";

describe("the other SaaS 2.0 activities (docs/marketplace/saas.md §4.2–§4.7)", () => {
  let s: TestServer;
  let instanceId: string;
  const db = () => s.koogate.db;
  const instance = () => db()("koogate_instances").where({ product_id: "rec", instance_id: instanceId }).first();

  before(async () => {
    s = await startServer({
      adapters: [RecordingAdapter, DemoSaasAdapter],
      products: {
        "rec.yaml": recordingYaml("rec"),
        "demo.yaml": productYaml("demo"),
        "enc.yaml": productYaml("enc", "encryptType: 2\ncredentials: encrypted"),
      },
    });
  });
  after(() => s.close());
  beforeEach(async () => {
    const order = newInstanceBody();
    instanceId = (await s.send(order, { product: "rec" })).json.instanceId as string;
  });

  describe("queryInstance", () => {
    it("answers the sign-in information the adapter returned", async () => {
      const r = await s.send({ activity: "queryInstance", instanceId, testFlag: "0" }, { product: "rec" });
      expect(r.json).to.deep.equal({
        resultCode: "000000",
        resultMsg: "success.",
        info: [{ instanceId, appInfo: { frontEndUrl: "https://example.test/login", userName: `user-${instanceId}`, password: "Secret#123" } }],
      });
    });

    it("stores the credentials sealed and logs them redacted", async () => {
      await s.send({ activity: "queryInstance", instanceId }, { product: "rec" });
      const row = await instance();
      expect(row.app_info_sealed).to.match(/^g1\./).and.not.include("Secret#123");
      const events = await db()("koogate_events").where({ instance_id: instanceId });
      expect(events.map((e: { response: string }) => e.response).join()).to.not.include("Secret#123");
    });

    it("answers several comma-separated instances, skipping unknown ones", async () => {
      const other = (await s.send(newInstanceBody(), { product: "rec" })).json.instanceId as string;
      const r = await s.send({ activity: "queryInstance", instanceId: `${instanceId}, nope ,${other}` }, { product: "rec" });
      expect((r.json.info as Array<{ instanceId: string }>).map((i) => i.instanceId)).to.deep.equal([instanceId, other]);
    });

    it("answers 000003 when no instance exists and 000002 for more than 100 IDs", async () => {
      expect((await s.send({ activity: "queryInstance", instanceId: "nope" }, { product: "rec" })).json.resultCode).to.equal("000003");
      const ids = Array.from({ length: 101 }, (_, i) => `id${i}`).join(",");
      expect((await s.send({ activity: "queryInstance", instanceId: ids }, { product: "rec" })).json.resultCode).to.equal("000002");
    });

    it("encrypts userName and password with the product's encryptType when the definition asks for it", async () => {
      const id = (await s.send(newInstanceBody(), { product: "enc" })).json.instanceId as string;
      const r = await s.send({ activity: "queryInstance", instanceId: id }, { product: "enc" });
      const info = (r.json.info as Array<{ encryptType: string; appInfo: { userName: string; password: string } }>)[0]!;
      expect(info.encryptType).to.equal("2");
      expect(info.appInfo.password).to.match(/^[A-Za-z0-9]{16}[A-Za-z0-9+/=]+$/);
      const password = decryptCredential(info.appInfo.password, { accessKey: TEST_KEY, encryptType: 2 });
      expect(password).to.have.length(16);
      expect(decryptCredential(info.appInfo.userName, { accessKey: TEST_KEY, encryptType: 2 })).to.match(/^demo_/);
    });
  });

  describe("refreshInstance", () => {
    const refresh = (extra: Record<string, unknown> = {}) => ({
      activity: "refreshInstance",
      instanceId,
      orderId: "CS-RENEW-1",
      orderLineId: "CS-RENEW-1-000001",
      scene: "RENEWAL",
      expireTime: "20271231235959",
      ...extra,
    });

    it("sets the new expiry, read as UTC yyyyMMddHHmmss", async () => {
      expect((await s.send(refresh(), { product: "rec" })).json.resultCode).to.equal("000000");
      expect(Number((await instance()).expire_at)).to.equal(Date.UTC(2027, 11, 31, 23, 59, 59));
    });

    it("tolerates the 17-digit form with milliseconds and records a new productId", async () => {
      await s.send(refresh({ scene: "TRIAL_TO_FORMAL", expireTime: "20280101000000123", productId: "P-YEAR" }), { product: "rec" });
      const row = await instance();
      expect(Number(row.expire_at)).to.equal(Date.UTC(2028, 0, 1, 0, 0, 0, 123));
      expect(row.marketplace_product_id).to.equal("P-YEAR");
    });

    it("applies a resend of the same renewal once", async () => {
      const a = await s.send(refresh(), { product: "rec" });
      const b = await s.send(refresh(), { product: "rec" });
      expect(b.text).to.equal(a.text);
      expect(await adapterCalls(db(), "refreshInstance", instanceId)).to.equal(1);
    });

    it("refuses a time that does not exist (February 30) and an unknown instance", async () => {
      expect((await s.send(refresh({ expireTime: "20270230120000" }), { product: "rec" })).json.resultCode).to.equal("000002");
      expect((await s.send(refresh({ instanceId: "nope" }), { product: "rec" })).json.resultCode).to.equal("000003");
    });

    it("accepts an unknown but well-formed scene (docs/marketplace/saas.md §4.3) and refuses a malformed one", async () => {
      expect((await s.send(refresh({ scene: "RENEWAL_WITH_SOMETHING_NEW" }), { product: "rec" })).json.resultCode).to.equal("000000");
      expect((await s.send(refresh({ scene: "renewal; drop" }), { product: "rec" })).json.resultCode).to.equal("000002");
    });
  });

  describe("updateInstanceStatus", () => {
    it("freezes and unfreezes, and a repeated FREEZE succeeds without calling the adapter again", async () => {
      const freeze = { activity: "updateInstanceStatus", instanceId, status: "FREEZE" };
      expect((await s.send(freeze, { product: "rec" })).json.resultCode).to.equal("000000");
      expect((await instance()).state).to.equal("frozen");
      expect((await s.send(freeze, { product: "rec" })).json.resultCode).to.equal("000000");
      expect(await adapterCalls(db(), "updateInstanceStatus", instanceId)).to.equal(1);
      await s.send({ ...freeze, status: "UNFREEZE" }, { product: "rec" });
      expect((await instance()).state).to.equal("active");
    });

    it("refuses a status other than FREEZE or UNFREEZE with 000002", async () => {
      const r = await s.send({ activity: "updateInstanceStatus", instanceId, status: "PAUSE" }, { product: "rec" });
      expect(r.json.resultCode).to.equal("000002");
      expect((await instance()).state).to.equal("active");
    });
  });

  describe("releaseInstance", () => {
    it("answers 000000 twice for a double release, calls the adapter once and forgets the credentials", async () => {
      const release = { activity: "releaseInstance", instanceId, orderId: "CS-UNSUB", orderLineId: "CS-UNSUB-000001" };
      expect((await s.send(release, { product: "rec" })).json.resultCode).to.equal("000000");
      expect((await s.send(release, { product: "rec" })).json.resultCode).to.equal("000000");
      expect(await adapterCalls(db(), "releaseInstance", instanceId)).to.equal(1);
      const row = await instance();
      expect(row.state).to.equal("released");
      expect(row.app_info_sealed).to.equal(null);
    });

    it("answers 000003 for an instance that never existed, and 000003 to a renewal of a released one", async () => {
      expect((await s.send({ activity: "releaseInstance", instanceId: "never" }, { product: "rec" })).json.resultCode).to.equal("000003");
      await s.send({ activity: "releaseInstance", instanceId }, { product: "rec" });
      const r = await s.send(
        { activity: "upgradeInstance", instanceId, orderId: "U1", orderLineId: "U1-1" },
        { product: "rec" },
      );
      expect(r.json.resultCode).to.equal("000003");
    });
  });

  describe("upgradeInstance", () => {
    it("applies an upgrade order once however often it is resent", async () => {
      const up = { activity: "upgradeInstance", instanceId, orderId: "CS-UP-1", orderLineId: "CS-UP-1-000001", testFlag: "0" };
      const replies = await Promise.all([s.send(up, { product: "rec" }), s.send(up, { product: "rec" }), s.send(up, { product: "rec" })]);
      expect(replies.map((r) => r.json.resultCode)).to.deep.equal(["000000", "000000", "000000"]);
      expect(await adapterCalls(db(), "upgradeInstance", instanceId)).to.equal(1);
      await s.send({ ...up, orderId: "CS-UP-2", orderLineId: "CS-UP-2-000001" }, { product: "rec" });
      expect(await adapterCalls(db(), "upgradeInstance", instanceId)).to.equal(2);
    });
  });

  describe("changeInstanceCheck", () => {
    it("accepts a change when the adapter does, and answers its reason when it refuses", async () => {
      const id = (await s.send(newInstanceBody(), { product: "demo" })).json.instanceId as string;
      const ok = await s.send({ activity: "changeInstanceCheck", instanceId: id, productInfo: { plan: 2 } }, { product: "demo" });
      expect(ok.json.resultCode).to.equal("000000");
      const no = await s.send({ activity: "changeInstanceCheck", instanceId: id, productInfo: { plan: 9 } }, { product: "demo" });
      expect(no.json).to.deep.equal({ resultCode: "000005", resultMsg: "plan must be from 1 to 3" });
    });
  });

  it("records one event per call with its verdict, result code and duration", async () => {
    const before = await countRows(db(), "koogate_events", { product_id: "rec" });
    await s.send({ activity: "queryInstance", instanceId }, { product: "rec" });
    const last = await db()("koogate_events").where({ product_id: "rec" }).orderBy("id", "desc").first();
    expect(await countRows(db(), "koogate_events", { product_id: "rec" })).to.equal(before + 1);
    expect(last).to.include({ activity: "queryInstance", verdict: "processed", result_code: "000000", instance_id: instanceId });
    // the row's duration is the call's own: at least 0 and within the answer deadline
    expect(Number(last.duration_ms)).to.be.within(0, 4500);
  });
});
