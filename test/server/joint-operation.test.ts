import { expect } from "chai";
import { generateKeyPairSync } from "node:crypto";
import { openAtRest } from "../../core/crypto/at-rest.js";
import { sealClientSecret } from "../../core/kinds/saas/sync/client-secret.js";
import { signKitRequest } from "../../core/signing/kit.js";
import { productYaml, startServer, TEST_KEY, TEST_KIT_KEY, type TestServer } from "../support/server.js";
import { ObservedDemoAdapter } from "../support/observed-adapter.js";

// A throwaway merchant key pair, made per run: no private key is ever committed.
const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 3072 });
const PRIVATE_PEM = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const OTHER = generateKeyPairSync("rsa", { modulusLength: 3072 }).publicKey;

const JOINT_OP = "jointOperation:\n  enabled: true\n  privateKey: { env: TEST_KIT_PRIVATE_KEY }";
const yaml = (id: string, extra = JOINT_OP) => productYaml(id, extra).replace("adapter: DemoSaasAdapter", "adapter: ObservedDemoAdapter");

let n = 0;
const uniq = (p: string) => `${p}-${++n}`;

function tenant(over: Record<string, unknown> = {}) {
  return {
    instanceId: "inst-1",
    orderId: "CS1906666666ABCDE",
    tenantId: "68cbc86abc2018ab880d92f36422fa0e",
    tenantCode: "huawei",
    name: "huaiweitest",
    domainName: "https://example.tenantaccount.com",
    flag: 1,
    testFlag: 0,
    timeStamp: "20220413093539534",
    ...over,
  };
}

const user = (userName: string, over: Record<string, unknown> = {}) => ({ userName, name: `Name ${userName}`, orgCode: "D1", role: "user", enable: true, ...over });

function auth(tenantId: string, flag: number, time: string, userList: unknown) {
  return { instanceId: "inst-1", tenantId, appId: "app-1", userList, currentSyncTime: time, flag, testFlag: 0, timeStamp: time };
}

describe("POST /produce/<id>/produceAPI/v2/<sync> (joint-operation sync, docs/marketplace/saas.md §5)", () => {
  let s: TestServer;
  const logLines: string[] = [];
  const db = () => s.koogate.db;
  before(async () => {
    s = await startServer({
      products: { "test-saas.yaml": yaml("test-saas"), "plain.yaml": yaml("plain", "") },
      adapters: [ObservedDemoAdapter],
      env: { TEST_KIT_PRIVATE_KEY: PRIVATE_PEM },
      logLines,
    });
  });
  after(() => s.close());
  beforeEach(() => {
    ObservedDemoAdapter.calls.length = 0;
    ObservedDemoAdapter.failHooks = 0;
  });

  describe("tenantSync", () => {
    it("stores a new tenant, answers 000000 with a Body-Sign made with the kit key, and logs an event", async () => {
      const tenantId = uniq("t");
      const r = await s.sync("tenantSync", tenant({ tenantId }));
      expect(r.text).to.equal('{"resultCode":"000000","resultMsg":"success."}');
      expect(r.bodySignProblem).to.equal(null);
      const rows = await db()("koogate_tenants").where({ tenant_id: tenantId });
      expect(rows).to.have.length(1);
      expect(rows[0]).to.include({ product_id: "test-saas", instance_id: "inst-1", tenant_code: "huawei", name: "huaiweitest" });
      expect(Boolean(rows[0].deleted)).to.equal(false);
      const events = await db()("koogate_events").where({ activity: "tenantSync", instance_id: "inst-1" }).orderBy("id", "desc");
      expect(events[0]).to.include({ result_code: "000000", verdict: "processed" });
    });

    it("answers a repeated add with success and creates nothing new", async () => {
      const tenantId = uniq("t");
      await s.sync("tenantSync", tenant({ tenantId }));
      const r = await s.sync("tenantSync", tenant({ tenantId }));
      expect(r.json.resultCode).to.equal("000000");
      expect(await db()("koogate_tenants").where({ tenant_id: tenantId })).to.have.length(1);
    });

    it("accepts flag and testFlag as strings as well as numbers", async () => {
      const tenantId = uniq("t");
      const r = await s.sync("tenantSync", tenant({ tenantId, flag: "1", testFlag: "1" }));
      expect(r.json.resultCode).to.equal("000000");
      const [row] = await db()("koogate_tenants").where({ tenant_id: tenantId });
      expect(Boolean(row.test)).to.equal(true);
    });

    it("answers a delete of a tenant it never saw with success, leaving a tombstone", async () => {
      const tenantId = uniq("t");
      const r = await s.sync("tenantSync", tenant({ tenantId, flag: 0 }));
      expect(r.json.resultCode).to.equal("000000");
      const [row] = await db()("koogate_tenants").where({ tenant_id: tenantId });
      expect(Boolean(row.deleted)).to.equal(true);
    });

    it("keeps a tenant deleted when its older add arrives after the delete", async () => {
      const tenantId = uniq("t");
      await s.sync("tenantSync", tenant({ tenantId, flag: 0, timeStamp: "20220413100000000" }));
      const late = await s.sync("tenantSync", tenant({ tenantId, flag: 1, timeStamp: "20220413090000000" }));
      expect(late.json.resultCode).to.equal("000000");
      const [row] = await db()("koogate_tenants").where({ tenant_id: tenantId });
      expect(Boolean(row.deleted)).to.equal(true);
      const [event] = await db()("koogate_events").where({ activity: "tenantSync" }).orderBy("id", "desc").limit(1);
      expect(event.verdict).to.equal("resent");
    });

    it("refuses a body signed with another key with 000001, storing nothing", async () => {
      const tenantId = uniq("t");
      const r = await s.sync("tenantSync", tenant({ tenantId }), { kitKey: TEST_KEY });
      expect(r.json.resultCode).to.equal("000001");
      expect(await db()("koogate_tenants").where({ tenant_id: tenantId })).to.have.length(0);
    });

    it("refuses a replayed x-nonce with 000001", async () => {
      const body = JSON.stringify(tenant({ tenantId: uniq("t") }));
      const headers = signKitRequest({ kitKey: TEST_KIT_KEY, body, nonce: "NONCE-REPLAY-1" });
      expect((await s.sync("tenantSync", body, { headers })).json.resultCode).to.equal("000000");
      expect((await s.sync("tenantSync", body, { headers })).json.resultCode).to.equal("000001");
    });

    it("answers a missing tenantCode with 000002", async () => {
      const body = tenant({ tenantId: uniq("t") }) as Record<string, unknown>;
      delete body.tenantCode;
      const r = await s.sync("tenantSync", body);
      expect(r.json).to.deep.equal({ resultCode: "000002", resultMsg: "param is invalid: tenantCode is missing" });
    });

    it("answers a flag outside 0/1 with 000002", async () => {
      const r = await s.sync("tenantSync", tenant({ tenantId: uniq("t"), flag: 7 }));
      expect(r.json.resultCode).to.equal("000002");
    });

    it("calls the adapter's onTenantSync after the tenant is stored", async () => {
      const tenantId = uniq("t");
      await s.sync("tenantSync", tenant({ tenantId }));
      const call = ObservedDemoAdapter.calls.find((c) => c.method === "onTenantSync");
      expect(call?.req).to.include({ tenantId, tenantCode: "huawei", deleted: false });
    });

    it("answers 000005 when the hook fails, keeping the tenant stored", async () => {
      const tenantId = uniq("t");
      ObservedDemoAdapter.failHooks = 1;
      const r = await s.sync("tenantSync", tenant({ tenantId }));
      expect(r.json.resultCode).to.equal("000005");
      expect(await db()("koogate_tenants").where({ tenant_id: tenantId })).to.have.length(1);
      expect(logLines.some((l) => l.includes("the merchant's directory is down"))).to.equal(true);
    });
  });

  describe("applicationSync", () => {
    const app = (tenantId: string, clientSecret: string, over: Record<string, unknown> = {}) => ({
      instanceId: "inst-1",
      tenantId,
      appId: "app-1",
      clientId: "client-1",
      clientSecret,
      flag: 1,
      testFlag: 0,
      timeStamp: "20240101120000000",
      ...over,
    });

    it("opens a SHA-256 OAEP clientSecret and stores it sealed, never in clear", async () => {
      const tenantId = uniq("t");
      const r = await s.sync("applicationSync", app(tenantId, sealClientSecret("s3cret-256", publicKey, "sha256")));
      expect(r.json.resultCode).to.equal("000000");
      const [row] = await db()("koogate_applications").where({ tenant_id: tenantId });
      expect(row.client_id).to.equal("client-1");
      expect(row.client_secret_sealed).to.not.include("s3cret-256");
      expect(openAtRest(row.client_secret_sealed, [TEST_KIT_KEY])).to.equal("s3cret-256");
      expect(logLines.some((l) => l.includes('"clientSecret opened"') && l.includes('"oaepHash":"sha256"'))).to.equal(true);
    });

    it("opens a SHA-1 OAEP clientSecret too and says so in the log", async () => {
      const tenantId = uniq("t");
      const r = await s.sync("applicationSync", app(tenantId, sealClientSecret("s3cret-1", publicKey, "sha1")));
      expect(r.json.resultCode).to.equal("000000");
      const [row] = await db()("koogate_applications").where({ tenant_id: tenantId });
      expect(openAtRest(row.client_secret_sealed, [TEST_KIT_KEY])).to.equal("s3cret-1");
      expect(logLines.some((l) => l.includes('"oaepHash":"sha1"'))).to.equal(true);
    });

    it("answers 000101 for a secret encrypted to another key, storing nothing", async () => {
      const tenantId = uniq("t");
      const r = await s.sync("applicationSync", app(tenantId, sealClientSecret("x", OTHER)));
      expect(r.json).to.deep.equal({ resultCode: "000101", resultMsg: "something wrong with appSecret" });
      expect(await db()("koogate_applications").where({ tenant_id: tenantId })).to.have.length(0);
    });

    it("hands the adapter the opened secret", async () => {
      const tenantId = uniq("t");
      await s.sync("applicationSync", app(tenantId, sealClientSecret("for-the-hook", publicKey)));
      expect(ObservedDemoAdapter.calls.find((c) => c.method === "onApplicationSync")?.req).to.include({ clientSecret: "for-the-hook", appId: "app-1" });
    });

    it("deletes an application without a secret and keeps the delete against an older add", async () => {
      const tenantId = uniq("t");
      const del = await s.sync("applicationSync", app(tenantId, "", { flag: 0, clientId: undefined, clientSecret: undefined, timeStamp: "20240101130000000" }));
      expect(del.json.resultCode).to.equal("000000");
      await s.sync("applicationSync", app(tenantId, sealClientSecret("old", publicKey)));
      const [row] = await db()("koogate_applications").where({ tenant_id: tenantId });
      expect(Boolean(row.deleted)).to.equal(true);
      expect(row.client_secret_sealed).to.equal(null);
    });
  });

  describe("authSync", () => {
    const users = async (tenantId: string) =>
      (await db()("koogate_app_users").where({ tenant_id: tenantId }).orderBy("user_name")).map((r: Record<string, unknown>) => ({
        userName: r.user_name,
        role: r.role,
        state: r.state,
        enabled: Boolean(r.enabled),
      }));

    it("authorises the users of userList, and a repeat adds nobody", async () => {
      const tenantId = uniq("t");
      const body = auth(tenantId, 1, "20240101120000000", [user("alice", { role: "admin" }), user("bob")]);
      expect((await s.sync("authSync", body)).json.resultCode).to.equal("000000");
      expect((await s.sync("authSync", body)).json.resultCode).to.equal("000000");
      expect(await users(tenantId)).to.deep.equal([
        { userName: "alice", role: "admin", state: "authorized", enabled: true },
        { userName: "bob", role: "user", state: "authorized", enabled: true },
      ]);
    });

    it("accepts userList as JSON text holding the array", async () => {
      const tenantId = uniq("t");
      const r = await s.sync("authSync", auth(tenantId, 1, "20240101120000000", JSON.stringify([user("carol")])));
      expect(r.json.resultCode).to.equal("000000");
      expect((await users(tenantId)).map((u) => u.userName)).to.deep.equal(["carol"]);
    });

    it("ends in the modify's state when the modify arrives before its add", async () => {
      const tenantId = uniq("t");
      await s.sync("authSync", auth(tenantId, 2, "20240101130000000", [user("dave", { role: "admin" })]));
      await s.sync("authSync", auth(tenantId, 1, "20240101120000000", [user("dave", { role: "user" })]));
      expect(await users(tenantId)).to.deep.equal([{ userName: "dave", role: "admin", state: "authorized", enabled: true }]);
    });

    it("revokes an authorisation, and deletes a user it never saw with success", async () => {
      const tenantId = uniq("t");
      await s.sync("authSync", auth(tenantId, 1, "20240101120000000", [user("erin")]));
      await s.sync("authSync", auth(tenantId, 3, "20240101130000000", [{ userName: "erin" }]));
      const del = await s.sync("authSync", auth(tenantId, 0, "20240101130000000", [{ userName: "ghost" }]));
      expect(del.json.resultCode).to.equal("000000");
      expect(await users(tenantId)).to.deep.equal([
        { userName: "erin", role: null, state: "revoked", enabled: false },
        { userName: "ghost", role: null, state: "deleted", enabled: false },
      ]);
    });

    it("answers an add whose user has no role with 000002", async () => {
      const r = await s.sync("authSync", auth(uniq("t"), 1, "20240101120000000", [{ userName: "x", name: "X", orgCode: "D1", enable: true }]));
      expect(r.json.resultCode).to.equal("000002");
      expect(r.json.resultMsg).to.equal("param is invalid: userList.0.role is missing");
    });

    it("answers a userList that is neither an array nor JSON text of one with 000002", async () => {
      const r = await s.sync("authSync", auth(uniq("t"), 1, "20240101120000000", "not json"));
      expect(r.json.resultCode).to.equal("000002");
    });
  });

  describe("allOrgSync and singleOrgSync", () => {
    const org = (orgCode: string, parentCode: string | null = "ROOT") => ({ orgCode, name: `Dept ${orgCode}`, parentCode });
    const all = (tenantId: string, time: string, orgInfo: unknown) => ({ instanceId: "inst-1", tenantId, orgInfo, testFlag: 0, timeStamp: time });
    const single = (tenantId: string, time: string, flag: number, unit: Record<string, unknown>) => ({ instanceId: "inst-1", tenantId, ...unit, flag, testFlag: "0", timeStamp: time });
    const tree = async (tenantId: string) =>
      (await db()("koogate_org_units").where({ tenant_id: tenantId, deleted: false }).orderBy("org_code")).map(
        (r: Record<string, unknown>) => `${String(r.org_code)}<${String(r.parent_code)}`,
      );

    it("replaces the tree with the newer full sync, orgInfo given as JSON text", async () => {
      const tenantId = uniq("t");
      await s.sync("allOrgSync", all(tenantId, "20240101120000000", [org("ROOT", null), org("A"), org("B")]));
      const r = await s.sync("allOrgSync", all(tenantId, "20240101130000000", JSON.stringify([org("ROOT", null), org("A"), org("C", "A")])));
      expect(r.json.resultCode).to.equal("000000");
      expect(await tree(tenantId)).to.deep.equal(["A<ROOT", "C<A", "ROOT<null"]);
    });

    it("ignores an old full sync arriving after a newer one", async () => {
      const tenantId = uniq("t");
      await s.sync("allOrgSync", all(tenantId, "20240101130000000", [org("ROOT", null), org("NEW")]));
      const r = await s.sync("allOrgSync", all(tenantId, "20240101120000000", [org("ROOT", null), org("OLD")]));
      expect(r.json.resultCode).to.equal("000000");
      expect(await tree(tenantId)).to.deep.equal(["NEW<ROOT", "ROOT<null"]);
    });

    it("applies a single add and delete, and a repeated delete succeeds", async () => {
      const tenantId = uniq("t");
      await s.sync("allOrgSync", all(tenantId, "20240101120000000", [org("ROOT", null)]));
      await s.sync("singleOrgSync", single(tenantId, "20240101120500000", 1, org("X")));
      await s.sync("singleOrgSync", single(tenantId, "20240101121000000", 0, { orgCode: "ROOT" }));
      const again = await s.sync("singleOrgSync", single(tenantId, "20240101121000000", 0, { orgCode: "ROOT" }));
      expect(again.json.resultCode).to.equal("000000");
      expect(await tree(tenantId)).to.deep.equal(["X<ROOT"]);
    });

    it("drops a single change older than the newest full sync", async () => {
      const tenantId = uniq("t");
      await s.sync("allOrgSync", all(tenantId, "20240101130000000", [org("ROOT", null)]));
      await s.sync("singleOrgSync", single(tenantId, "20240101120000000", 1, org("STALE")));
      expect(await tree(tenantId)).to.deep.equal(["ROOT<null"]);
    });

    it("keeps a newer single change through an older full sync", async () => {
      const tenantId = uniq("t");
      await s.sync("singleOrgSync", single(tenantId, "20240101130000000", 2, { orgInfo: [{ orgCode: "A", name: "Renamed", parentCode: "ROOT" }] }));
      await s.sync("allOrgSync", all(tenantId, "20240101120000000", [org("ROOT", null), org("A")]));
      const [a] = await db()("koogate_org_units").where({ tenant_id: tenantId, org_code: "A" });
      expect(a.name).to.equal("Renamed");
    });
  });

  it("answers 404 for a product that does not enable joint-operation sync", async () => {
    const r = await s.sync("tenantSync", tenant(), { product: "plain" });
    expect(r.status).to.equal(404);
  });

  it("answers 404 for an unknown sync name", async () => {
    const r = await s.sync("userSync", tenant());
    expect(r.status).to.equal(404);
  });
});

describe("applicationSync without a configured private key", () => {
  it("answers 000101 and says why in the log", async () => {
    const logLines: string[] = [];
    const s = await startServer({ products: { "test-saas.yaml": yaml("test-saas") }, adapters: [ObservedDemoAdapter], logLines });
    try {
      const r = await s.sync("applicationSync", {
        tenantId: "t1", appId: "a1", clientId: "c", clientSecret: sealClientSecret("x", publicKey), flag: 1, testFlag: 0, timeStamp: "20240101120000000",
      });
      expect(r.json.resultCode).to.equal("000101");
      expect(logLines.some((l) => l.includes("no RSA private key configured"))).to.equal(true);
    } finally {
      await s.close();
    }
  });
});
