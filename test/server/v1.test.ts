import { expect } from "chai";
import { decryptCredential, encryptCredential } from "../../core/crypto/credential.js";
import type { NewInstanceRequest } from "../../core/kinds/saas/adapter.js";
import { signAuthToken } from "../../core/signing/auth-token.js";
import { productYaml, startServer, TEST_KEY, type TestServer } from "../support/server.js";
import { ObservedDemoAdapter } from "../support/observed-adapter.js";

/** Huawei's 1.0 request (docs/marketplace/saas.md §10.1), signed with the placeholder key `xxxxxxx`. */
const HUAWEI_KEY = "xxxxxxx";
const HUAWEI_QUERY =
  "activity=newInstance&businessId=61e834ba-7b97-4418-b8f7-e5345137278c&customerId=68cbc86abc2018ab880d92f36422fa0e&expireTime=20200727153156&orderId=CS1906666666ABCDE&productId=00301-666666-0--0&testFlag=1&timeStamp=20200727073711903";
const HUAWEI_TOKEN = "Gzbfjf9LHRBcI3bFVi++sLinCNOBF6qa7is1fvjEgYQ=";
const HUAWEI_SENT_AT = Date.UTC(2020, 6, 27, 7, 37, 11, 903);

/** A clock the tests move: the 1.0 timeStamp window is checked against it. */
const clock = { t: Date.now(), now() { return this.t; } };

const v1Yaml = (id: string, key = "TEST_BASIC_KEY") =>
  productYaml(id, "protocol: v1").replace("adapter: DemoSaasAdapter", "adapter: ObservedDemoAdapter").replace("basic: [TEST_BASIC_KEY]", `basic: [${key}]`).replace("  kit: [TEST_KIT_KEY]\n", "");

const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:TZ.]/g, "");

/** A 1.0 query as KooGallery sends it: values URL-encoded, authToken over the decoded values. */
function v1Query(params: Record<string, string>, key = TEST_KEY): string {
  const all = { timeStamp: stamp(clock.now()), testFlag: "0", ...params };
  const token = signAuthToken({ accessKey: key, timeStamp: all.timeStamp, params: Object.entries(all) });
  return [...Object.entries(all), ["authToken", token]].map(([k, v]) => `${k}=${encodeURIComponent(v!)}`).join("&");
}

let n = 0;
const order = () => `CSV1${++n}${Date.now()}`;
const newInstances = () => ObservedDemoAdapter.calls.filter((c) => c.method === "newInstance").map((c) => c.req as NewInstanceRequest);

describe("GET /produce/<id> (the SaaS 1.0 legacy interface, docs/marketplace/saas.md §9)", () => {
  let s: TestServer;
  const logLines: string[] = [];
  before(async () => {
    s = await startServer({
      products: { "v1.yaml": v1Yaml("test-v1"), "huawei.yaml": v1Yaml("huawei-v1", "HUAWEI_KEY"), "v2.yaml": productYaml("test-v2").replace("DemoSaasAdapter", "ObservedDemoAdapter") },
      adapters: [ObservedDemoAdapter],
      env: { HUAWEI_KEY },
      clock,
      logLines,
    });
  });
  after(() => s.close());
  beforeEach(() => {
    clock.t = Date.now();
    ObservedDemoAdapter.calls.length = 0;
  });

  describe("Huawei's 1.0 vector (docs/marketplace/saas.md §10.1) through the real route", () => {
    // The vector was signed in 2020: the server's clock is set to the moment it was made, rather than
    // widening the window until 2020 passes (that would switch the check off).
    beforeEach(() => {
      clock.t = HUAWEI_SENT_AT + 2_000;
    });

    it("accepts it, answering instanceId in clear, encryptType, and encrypted credentials, with a Body-Sign", async () => {
      const r = await s.get(`${HUAWEI_QUERY}&authToken=${encodeURIComponent(HUAWEI_TOKEN)}`, { product: "huawei-v1", key: HUAWEI_KEY });
      expect(r.json).to.include({ resultCode: "000000", resultMsg: "success.", instanceId: "61e834ba-7b97-4418-b8f7-e5345137278c", encryptType: "1" });
      expect(r.text.indexOf('"instanceId"')).to.be.lessThan(r.text.indexOf('"encryptType"'));
      expect(r.bodySignProblem).to.equal(null);
      const appInfo = r.json.appInfo as Record<string, string>;
      expect(decryptCredential(appInfo.userName!, { accessKey: HUAWEI_KEY, encryptType: 1 })).to.equal("demo_61e834ba");
      expect(decryptCredential(appInfo.password!, { accessKey: HUAWEI_KEY, encryptType: 1 })).to.have.length(16);
      expect(logLines.some((l) => l.includes('"authToken matched"') && l.includes('"form":"decoded"'))).to.equal(true);
    });

    it("accepts it with the token's '+' sent unencoded", async () => {
      const r = await s.get(`${HUAWEI_QUERY}&authToken=${HUAWEI_TOKEN}`, { product: "huawei-v1", key: HUAWEI_KEY });
      expect(r.json.resultCode).to.equal("000000");
    });

    it("stores its expireTime as UTC and hands the adapter a test purchase with the order's details", async () => {
      await s.get(`${HUAWEI_QUERY}&authToken=${encodeURIComponent(HUAWEI_TOKEN)}`, { product: "huawei-v1", key: HUAWEI_KEY });
      const [row] = await s.koogate.db("koogate_instances").where({ product_id: "huawei-v1" });
      expect(Number(row.expire_at)).to.equal(Date.UTC(2020, 6, 27, 15, 31, 56));
      expect(row.order_line_id).to.equal("00301-666666-0--0");
      expect(Boolean(row.test)).to.equal(true);
    });

    it("refuses it an hour after it was made: timeStamp outside the window, 000002", async () => {
      clock.t = HUAWEI_SENT_AT + 3600_000;
      const r = await s.get(`${HUAWEI_QUERY}&authToken=${encodeURIComponent(HUAWEI_TOKEN)}`, { product: "huawei-v1", key: HUAWEI_KEY });
      expect(r.json).to.deep.equal({ resultCode: "000002", resultMsg: "timeStamp is too old" });
      expect(r.bodySignProblem).to.equal(null);
    });
  });

  it("refuses a query signed with another key with 000001, still with a Body-Sign", async () => {
    const r = await s.get(v1Query({ activity: "queryInstance", instanceId: "x" }, "another-key"), { product: "test-v1" });
    expect(r.json.resultCode).to.equal("000001");
    expect(r.bodySignProblem).to.equal(null);
  });

  it("decodes a URL-encoded '+' in saasExtendParams and decrypts mobilePhone and email for the adapter", async () => {
    // "~~~>" encodes to base64 holding a '+', so the value travels as %2B
    const b64 = Buffer.from(JSON.stringify([{ name: "region", value: "a~~~>" }, { name: "seats", value: "25" }])).toString("base64");
    expect(b64).to.include("+");
    const email = encryptCredential("buyer+tag@example.com", { accessKey: TEST_KEY, encryptType: 1 });
    const mobilePhone = encryptCredential("+8613800000000", { accessKey: TEST_KEY, encryptType: 1 });
    const orderId = order();
    const q = v1Query({ activity: "newInstance", businessId: `biz-${orderId}`, orderId, productId: "p-1", skuCode: "sku-1", trialFlag: "1", customerId: "cust-1", customerName: "ACME", email, mobilePhone, saasExtendParams: b64, expireTime: "20301231235959" });
    expect(q).to.include("%2B");
    const r = await s.get(q, { product: "test-v1" });
    expect(r.json.resultCode).to.equal("000000");
    const [req] = newInstances();
    expect(req!.extendParams).to.deep.equal({ region: "a~~~>", seats: "25" });
    expect(req!.customer).to.deep.equal({ id: "cust-1", name: "ACME", email: "buyer+tag@example.com", mobilePhone: "+8613800000000" });
    expect(req).to.include({ productId: "p-1", skuCode: "sku-1", trial: true, orderId, orderLineId: "p-1" });
    expect(req!.expireAt!.toISOString()).to.equal("2030-12-31T23:59:59.000Z");
  });

  it("answers a resent newInstance of one order with the first instanceId, without a second adapter call", async () => {
    const orderId = order();
    const a = await s.get(v1Query({ activity: "newInstance", businessId: `biz-a-${orderId}`, orderId, productId: "p-1" }), { product: "test-v1" });
    const b = await s.get(v1Query({ activity: "newInstance", businessId: `biz-b-${orderId}`, orderId, productId: "p-1" }), { product: "test-v1" });
    expect(b.json.instanceId).to.equal(`biz-a-${orderId}`);
    expect(a.json.instanceId).to.equal(b.json.instanceId);
    expect(newInstances()).to.have.length(1);
    const appInfo = b.json.appInfo as Record<string, string>;
    expect(decryptCredential(appInfo.userName!, { accessKey: TEST_KEY, encryptType: 1 })).to.match(/^demo_/);
  });

  it("answers an unknown activity with 000002", async () => {
    const r = await s.get(v1Query({ activity: "getLicense" }), { product: "test-v1" });
    expect(r.json.resultCode).to.equal("000002");
  });

  it("answers a newInstance without businessId with 000002", async () => {
    const r = await s.get(v1Query({ activity: "newInstance", orderId: order() }), { product: "test-v1" });
    expect(r.json).to.deep.equal({ resultCode: "000002", resultMsg: "param is invalid: businessId is missing" });
  });

  it("answers GET on a 2.0 listing with 405 naming the method its protocol uses", async () => {
    const r = await s.get(v1Query({ activity: "queryInstance", instanceId: "x" }), { product: "test-v2" });
    expect(r.status).to.equal(405);
    expect(r.json).to.deep.equal({ error: "method not allowed: this listing is served with POST" });
  });

  describe("the whole lifecycle, on one instance", () => {
    const orderId = order();
    const instanceId = `biz-life-${orderId}`;
    const account = async () => s.koogate.db("demo_saas_accounts").where({ instance_id: instanceId }).first();
    const state = async () => (await s.koogate.db("koogate_instances").where({ product_id: "test-v1", instance_id: instanceId }).first())?.state;
    const call = (params: Record<string, string>) => s.get(v1Query(params), { product: "test-v1" });

    it("newInstance provisions it", async () => {
      const r = await call({ activity: "newInstance", businessId: instanceId, orderId, productId: "p-1", expireTime: "20300101000000" });
      expect(r.json.instanceId).to.equal(instanceId);
      expect(await state()).to.equal("active");
    });

    it("refreshInstance moves its expiry", async () => {
      const r = await call({ activity: "refreshInstance", instanceId, orderId: `${orderId}-renew`, expireTime: "20310101000000" });
      expect(r.text).to.equal('{"resultCode":"000000","resultMsg":"success."}');
      expect(Number((await account()).expire_at)).to.equal(Date.UTC(2031, 0, 1));
    });

    it("expireInstance freezes it (stored as expired: the lifecycle's 1.0 expiry)", async () => {
      const r = await call({ activity: "expireInstance", instanceId, orderId });
      expect(r.json.resultCode).to.equal("000000");
      expect(await state()).to.equal("expired");
      expect((await account()).status).to.equal("frozen");
    });

    it("instanceStatus NORMAL unfreezes it", async () => {
      const r = await call({ activity: "instanceStatus", instanceId, instanceStatus: "NORMAL" });
      expect(r.json.resultCode).to.equal("000000");
      expect(await state()).to.equal("active");
    });

    it("instanceStatus FREEZE freezes it", async () => {
      await call({ activity: "instanceStatus", instanceId, instanceStatus: "FREEZE" });
      expect(await state()).to.equal("frozen");
      await call({ activity: "instanceStatus", instanceId, instanceStatus: "NORMAL" });
    });

    it("upgrade applies an upgrade order once, however often it is sent", async () => {
      await call({ activity: "upgrade", instanceId, orderId: `${orderId}-up`, productId: "p-2", skuCode: "sku-2" });
      const again = await call({ activity: "upgrade", instanceId, orderId: `${orderId}-up`, productId: "p-2", skuCode: "sku-2" });
      expect(again.json.resultCode).to.equal("000000");
      expect((await account()).plan).to.equal(2);
      expect(ObservedDemoAdapter.calls.filter((c) => c.method === "upgradeInstance").map((c) => c.req)).to.deep.equal([
        { productId: "p-2", skuCode: "sku-2", instanceId, orderId: `${orderId}-up`, orderLineId: `${orderId}-up` },
      ]);
    });

    it("queryInstance answers its encrypted sign-in information", async () => {
      const r = await call({ activity: "queryInstance", instanceId });
      const [info] = r.json.info as Array<Record<string, unknown>>;
      expect(info).to.include({ instanceId, encryptType: "1" });
      expect(decryptCredential((info!.appInfo as Record<string, string>).userName!, { accessKey: TEST_KEY, encryptType: 1 })).to.match(/^demo_/);
    });

    it("releaseInstance releases it, and a repeat answers 000000", async () => {
      const r = await call({ activity: "releaseInstance", instanceId, orderId });
      const again = await call({ activity: "releaseInstance", instanceId, orderId });
      expect([r.json.resultCode, again.json.resultCode]).to.deep.equal(["000000", "000000"]);
      expect(await state()).to.equal("released");
      expect(await account()).to.equal(undefined);
    });

    it("expireInstance of the released instance answers 000003", async () => {
      const r = await call({ activity: "expireInstance", instanceId, orderId });
      expect(r.json.resultCode).to.equal("000003");
    });
  });
});

describe("one adapter class for a 1.0 and a 2.0 listing", () => {
  it("provisions through both protocols with DemoSaasAdapter", async () => {
    const s = await startServer({ products: { "v1.yaml": v1Yaml("one-v1").replace("ObservedDemoAdapter", "DemoSaasAdapter"), "v2.yaml": productYaml("one-v2") } });
    try {
      const orderId = order();
      const v1 = await s.get(v1Query({ activity: "newInstance", businessId: `b1-${orderId}`, orderId }), { product: "one-v1" });
      const v2 = await s.send({ activity: "newInstance", orderId, orderLineId: `${orderId}-1`, businessId: `b2-${orderId}` }, { product: "one-v2" });
      expect([v1.json.resultCode, v2.json.resultCode]).to.deep.equal(["000000", "000000"]);
      const rows = await s.koogate.db("demo_saas_accounts").whereIn("instance_id", [`b1-${orderId}`, `b2-${orderId}`]);
      expect(rows.map((r: { product_id: string }) => r.product_id).sort()).to.deep.equal(["one-v1", "one-v2"]);
    } finally {
      await s.close();
    }
  });
});
