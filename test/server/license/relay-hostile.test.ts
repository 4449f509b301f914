import { expect } from "chai";
import { startLocalMarketplace, type LocalMarketplace } from "../../../sim/marketplace/server.js";
import { DEV_MARKETPLACE_AK, DEV_MARKETPLACE_SK } from "../../../sim/marketplace/dev-keys.js";
import { testDatabaseKind } from "../../support/database.js";
import { LICENSE_ENV, LOCAL_PRODUCT_ID, licenseYaml, marketplaceEnv, RecordingLicenseAdapter } from "../../support/license.js";
import { startServer, type TestServer } from "../../support/server.js";

const clock = { t: Date.now(), now() { return this.t; } };
/** the SKU of the local marketplace's purchase order MOCKPERIODYEARNEW (sim/marketplace/orders.ts) */
const LOCAL_SKU = "0a4d1578-5295-46a7-92d4-7c803dccc51d";
const relay = (lines: string[]) => ["relay:", `  productIds: [${LOCAL_PRODUCT_ID}]`, ...lines.map((l) => `  ${l}`)].join("\n");

// Issue 24 (findings 1–4, 15) and issue 18 item 5, against the real server, which trusts no proxy here.
describe(`the licence relay under hostile traffic (${testDatabaseKind})`, () => {
  let s: TestServer;
  let lm: LocalMarketplace;
  const post = async (product: string, action: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${s.url}/licenses/${product}/${action}`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", ...headers } });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const calls = (path: string) => lm.state.calls.filter((c) => c.path.endsWith(path)).length;
  const issue = (productId?: string) => lm.state.issueLicense({ productId }).code;

  before(async () => {
    lm = await startLocalMarketplace({ ak: DEV_MARKETPLACE_AK, sk: DEV_MARKETPLACE_SK });
    s = await startServer({
      products: {
        "dear.yaml": licenseYaml("dear", "code", relay(["perCodePerMinute: 1000", "perAddressPerMinute: 1000"])),
        "sku.yaml": licenseYaml("sku", "code", relay([`skuCodes: [${LOCAL_SKU}]`, "perAddressPerMinute: 1000"])),
        "othersku.yaml": licenseYaml("othersku", "code", relay(["skuCodes: [sku-of-another-plan]", "perAddressPerMinute: 1000"])),
        "narrow.yaml": licenseYaml("narrow", "code", relay(["perAddressPerMinute: 5"])),
        "oracle.yaml": licenseYaml("oracle", "code", relay(["unknownCodesPerMinute: 3", "perAddressPerMinute: 1000"])),
      },
      adapters: [RecordingLicenseAdapter],
      env: { ...LICENSE_ENV, ...marketplaceEnv(lm.url) },
      clock,
    });
  });
  after(async () => {
    await s.close();
    await lm.close();
  });
  beforeEach(() => (clock.t = Date.now()));

  describe("a code unlocks only the listing it was bought for (finding 1)", () => {
    it("refuses to activate, check or count a live code bought for another product", async () => {
      const code = issue("OFFI-SOME-OTHER-CHEAP-PRODUCT");
      const refused = { status: 403, json: { error: "this code was bought for another product" } };
      expect(await post("dear", "activate", { license: code })).to.deep.equal(refused);
      expect(await post("dear", "check", { license: code })).to.deep.equal(refused);
      expect(await post("dear", "usage", { license: code, id: "device-1" })).to.deep.equal(refused);
      expect(await s.koogate.db("koogate_license_usage").where({ product_id: "dear" })).to.have.length(0);
    });

    it("answers the product a code was bought for, so the software can check it too", async () => {
      const code = issue();
      expect((await post("dear", "activate", { license: code })).json).to.include({ status: "ALIVE", productId: LOCAL_PRODUCT_ID, activated: true });
      expect((await post("dear", "check", { license: code })).json).to.include({ status: "ALIVE", productId: LOCAL_PRODUCT_ID });
    });

    it("reads the SKU from the purchase order where the listing names its SKUs, and answers it", async () => {
      const code = issue();
      expect(await post("sku", "activate", { license: code })).to.deep.equal({
        status: 200,
        json: { status: "ALIVE", expireTime: "20991231235959", productId: LOCAL_PRODUCT_ID, skuCode: LOCAL_SKU, activated: true },
      });
      expect((await post("sku", "check", { license: code })).json).to.include({ skuCode: LOCAL_SKU });
    });

    it("refuses a code of another product on a listing that names SKUs without reading its order", async () => {
      const orders = calls("/v1/order/query");
      expect((await post("sku", "activate", { license: issue("OFFI-SOME-OTHER-CHEAP-PRODUCT") })).json).to.deep.equal({ error: "this code was bought for another product" });
      expect(calls("/v1/order/query")).to.equal(orders);
    });

    it("refuses a code of the listing's product bought for a SKU the listing does not name", async () => {
      expect(await post("othersku", "activate", { license: issue() })).to.deep.equal({ status: 403, json: { error: "this code was bought for another specification (SKU) of the product" } });
    });
  });

  describe("what the production interface did wins over the marketplace's lagging status (issue 18, item 5)", () => {
    const production = (body: object) => s.send(body, { product: "dear", key: LICENSE_ENV.TEST_LICENSE_KEY });

    it("answers a code frozen through updateLicenseCodeStatus as FROZEN at once, though the marketplace still says ALIVE", async () => {
      const code = issue();
      await post("dear", "activate", { license: code });
      expect((await post("dear", "check", { license: code })).json.status).to.equal("ALIVE");
      expect((await production({ activity: "updateLicenseCodeStatus", license: code, status: "FREEZE" })).json.resultCode).to.equal("000000");
      const heartbeats = calls("/v1/license/heartbeat");
      expect((await post("dear", "check", { license: code })).json).to.include({ status: "FROZEN", productId: LOCAL_PRODUCT_ID });
      expect((await post("dear", "activate", { license: code })).json).to.include({ status: "FROZEN", activated: false });
      expect(await post("dear", "usage", { license: code, id: "device-1" })).to.deep.equal({ status: 403, json: { error: "the code is frozen" } });
      expect(calls("/v1/license/heartbeat")).to.equal(heartbeats);
      expect(lm.state.licenses.get(code)!.state).to.equal("ALIVE");
    });

    it("answers a code released through releaseLicenseCode as RELEASED at once", async () => {
      const code = issue();
      await post("dear", "activate", { license: code });
      expect((await production({ activity: "releaseLicenseCode", license: code })).json.resultCode).to.equal("000000");
      expect((await post("dear", "check", { license: code })).json.status).to.equal("RELEASED");
    });
  });

  describe("addresses and codes a caller makes up (findings 2 and 3)", () => {
    it("counts a caller who sends a fresh X-Forwarded-For each time under its socket's address", async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await post("narrow", "check", { license: `PLSPOOF${i}` }, { "x-forwarded-for": `203.0.113.${i}` })).status);
      expect(statuses.filter((st) => st === 429)).to.have.length(3);
    });

    it("asks the marketplace about at most unknownCodesPerMinute codes it has not seen, and refuses the other guesses", async () => {
      const before = calls("/v1/license/heartbeat");
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await post("oracle", "check", { license: `PLGUESS${i}` })).status);
      expect(calls("/v1/license/heartbeat") - before).to.equal(3);
      expect(statuses.filter((st) => st === 429)).to.have.length(7);
    });

    it("answers a code the marketplace does not know 404 for ten minutes without asking it again", async () => {
      const before = calls("/v1/license/heartbeat");
      expect((await post("dear", "check", { license: "PLNEVERSOLD" })).status).to.equal(404);
      expect((await post("dear", "check", { license: "PLNEVERSOLD" })).status).to.equal(404);
      expect(calls("/v1/license/heartbeat") - before).to.equal(1);
      clock.t += 11 * 60_000;
      await post("dear", "check", { license: "PLNEVERSOLD" });
      expect(calls("/v1/license/heartbeat") - before).to.equal(2);
    });
  });

  describe("the usage cap and the day's activeNum (finding 4)", () => {
    it("stores at most clientsPerCodePerDay client ids of a code, 95 reports one by one and 40 at once", async () => {
      const code = issue();
      await post("dear", "activate", { license: code });
      for (let i = 0; i < 95; i++) expect((await post("dear", "usage", { license: code, id: `seq-${i}` })).status).to.equal(202);
      const burst = await Promise.all(Array.from({ length: 40 }, (_, i) => post("dear", "usage", { license: code, id: `burst-${i}` })));
      expect(burst.filter((r) => r.status === 202)).to.have.length(5);
      expect(burst.filter((r) => r.status === 429)).to.have.length(35);
      const rows = await s.koogate.db("koogate_license_usage").where({ product_id: "dear" }).whereNot("client_digest", "#active").whereIn("code_digest", s.koogate.db("koogate_license_codes").select("code_digest").where({ product_id: "dear" }));
      const byCode = new Map<string, number>();
      for (const r of rows as Array<{ code_digest: string }>) byCode.set(r.code_digest, (byCode.get(r.code_digest) ?? 0) + 1);
      expect(Math.max(...byCode.values())).to.equal(100);
      expect((await post("dear", "usage", { license: code, id: "seq-3" })).status, "a client counted already is still accepted").to.equal(202);
    });

    it("keeps the day's highest activeNum: a lower report does not overwrite it", async () => {
      const code = issue();
      await post("dear", "activate", { license: code });
      await post("dear", "usage", { license: code, activeNum: 50 });
      await post("dear", "usage", { license: code, activeNum: 3 });
      await post("dear", "usage", { license: code, activeNum: 7 });
      const stored = await s.koogate.db("koogate_license_usage").where({ product_id: "dear", client_digest: "#active" }).pluck("active_num");
      expect(stored.map(Number)).to.include(50).and.not.to.include(7);
    });
  });

  describe("a slow marketplace (finding 15)", () => {
    it("answers 503 within its budget when the marketplace hangs, without retries that would outlast it", async () => {
      const code = issue();
      const before = calls("/v1/license/activate");
      lm.state.failNext(3, "timeout");
      const r = await post("dear", "activate", { license: code });
      expect(r).to.deep.equal({ status: 503, json: { error: "the licence service cannot reach the marketplace; try again later" } });
      expect(calls("/v1/license/activate") - before, "one attempt: a second could not end inside the budget").to.equal(1);
      lm.state.failNext(0, "timeout");
    });
  });
});
