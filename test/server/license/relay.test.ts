import { expect } from "chai";
import { codeDigest, LicenseCodeStore } from "../../../core/kinds/license/codes.js";
import { CodeReads } from "../../../core/kinds/license/relay/code-reads.js";
import { Outbox } from "../../../core/outbox/outbox.js";
import { parseTrustedProxies } from "../../../core/serving/client-address.js";
import { startLocalMarketplace, type LocalMarketplace } from "../../../sim/marketplace/server.js";
import { DEV_MARKETPLACE_AK, DEV_MARKETPLACE_SK } from "../../../sim/marketplace/dev-keys.js";
import { testDatabaseKind } from "../../support/database.js";
import { LICENSE_ENV, LOCAL_PRODUCT_ID, licenseYaml, marketplaceEnv, RecordingLicenseAdapter } from "../../support/license.js";
import { startServer, type TestServer } from "../../support/server.js";

const clock = { t: Date.now(), now() { return this.t; } };

describe(`the licence relay: /licenses/<id>/activate|check|usage (docs/marketplace/license.md §2.3, ${testDatabaseKind})`, () => {
  let s: TestServer;
  let lm: LocalMarketplace;
  const post = async (action: string, body: unknown, product = "relay", headers: Record<string, string> = {}) => {
    const res = await fetch(`${s.url}/licenses/${product}/${action}`, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body), headers: { "content-type": "application/json", ...headers } });
    return { status: res.status, json: (await res.json()) as Record<string, unknown>, retryAfter: res.headers.get("retry-after") };
  };
  const calls = (path: string) => lm.state.calls.filter((c) => c.path.endsWith(path)).length;
  const issue = (o: { received?: boolean } = {}) => lm.state.issueLicense({ expireTime: "20991231235959", ...o }).code;

  before(async () => {
    lm = await startLocalMarketplace({ ak: DEV_MARKETPLACE_AK, sk: DEV_MARKETPLACE_SK });
    s = await startServer({
      products: {
        "relay.yaml": licenseYaml("relay", "code"),
        "tight.yaml": licenseYaml("tight", "code", "relay:\n  productIds: [OFFI846204237451911168]\n  perAddressPerMinute: 3\n  perCodePerMinute: 2\n  clientsPerCodePerDay: 2"),
      },
      adapters: [RecordingLicenseAdapter],
      env: { ...LICENSE_ENV, ...marketplaceEnv(lm.url) },
      clock,
      // the tests play a proxy on loopback that forwards several clients' addresses
      config: { trustedProxies: parseTrustedProxies("127.0.0.1, ::1") },
    });
  });
  after(async () => {
    await s.close();
    await lm.close();
  });
  beforeEach(() => (clock.t = Date.now()));

  it("activates a received code and answers its status and expiry", async () => {
    const code = issue();
    expect(await post("activate", { license: code })).to.deep.include({ status: 200, json: { status: "ALIVE", expireTime: "20991231235959", productId: LOCAL_PRODUCT_ID, skuCode: null, activated: true } });
    expect(lm.state.licenses.get(code)!.state).to.equal("ALIVE");
  });

  it("answers an already activated code with its status, not an error", async () => {
    const code = issue();
    await post("activate", { license: code });
    expect((await post("activate", { license: code })).json).to.deep.equal({ status: "ALIVE", expireTime: "20991231235959", productId: LOCAL_PRODUCT_ID, skuCode: null, activated: false });
  });

  it("says the buyer has not received a code yet (409)", async () => {
    expect(await post("activate", { license: issue({ received: false }) })).to.deep.include({ status: 409, json: { error: "the buyer has not received this code yet: receive it in KooGallery first" } });
  });

  it("answers 404 for a code the marketplace does not know", async () => {
    expect(await post("activate", { license: "PLNOSUCHCODE" })).to.deep.include({ status: 404, json: { error: "unknown code" } });
  });

  it("asks the marketplace once per code and day however often and however concurrently it is checked", async () => {
    const code = issue();
    await post("activate", { license: code });
    const before = calls("/v1/license/heartbeat");
    const answers = await Promise.all(Array.from({ length: 10 }, () => post("check", { license: code })));
    answers.push(await post("check", { license: code }));
    expect(answers.every((a) => a.status === 200 && a.json.status === "ALIVE")).to.equal(true);
    expect(calls("/v1/license/heartbeat") - before).to.equal(1);
    clock.t += 86_400_000;
    await post("check", { license: code });
    expect(calls("/v1/license/heartbeat") - before).to.equal(2);
  });

  it("asks the marketplace again after the production interface changed the code", async () => {
    const code = issue();
    await post("activate", { license: code });
    await post("check", { license: code });
    lm.state.setLicenseState(code, "RELEASED");
    await s.send({ activity: "releaseLicenseCode", license: code }, { product: "relay", key: LICENSE_ENV.TEST_LICENSE_KEY });
    expect((await post("check", { license: code })).json.status).to.equal("RELEASED");
  });

  it("reads the rows of checks that arrive together in fewer statements than checks, and answers each its own code, one released just before as released", async () => {
    const codes = Array.from({ length: 16 }, () => issue());
    // each from an address of its own: the per-address limit is not what this test is about
    const from = (i: number) => ({ "x-forwarded-for": `10.0.7.${i}` });
    for (const [i, code] of codes.entries()) {
      await post("activate", { license: code }, "relay", from(i));
      await post("check", { license: code }, "relay", from(i));
    }
    lm.state.setLicenseState(codes[3]!, "RELEASED");
    await s.send({ activity: "releaseLicenseCode", license: codes[3]! }, { product: "relay", key: LICENSE_ENV.TEST_LICENSE_KEY });
    let reads = 0;
    const count = (q: { sql: string }) => void (/^select .*koogate_license_codes/i.test(q.sql) && reads++);
    s.koogate.db.on("query", count);
    const answers = await Promise.all(codes.map((code, i) => post("check", { license: code }, "relay", from(i))));
    s.koogate.db.off("query", count);
    expect(answers.map((a) => a.json.status)).to.deep.equal(codes.map((_, i) => (i === 3 ? "RELEASED" : "ALIVE")));
    expect(reads).to.be.greaterThan(0).and.lessThan(codes.length);
  });

  it("reads the rows of codes asked for at the same moment in one statement, each caller its own row", async () => {
    const codes = [issue(), issue(), issue()];
    for (const [i, code] of codes.entries()) await post("activate", { license: code }, "relay", { "x-forwarded-for": `10.0.8.${i}` });
    const rows = new CodeReads(s.koogate.container.resolve(LicenseCodeStore));
    let statements = 0;
    const count = () => void statements++;
    s.koogate.db.on("query", count);
    const got = await Promise.all([...codes, "PLNEVERSEEN"].map((c) => rows.get("relay", codeDigest(c))));
    s.koogate.db.off("query", count);
    expect(statements).to.equal(1);
    expect(got.map((r) => r?.codeDigest)).to.deep.equal([...codes.map(codeDigest), undefined]);
  });

  it("answers 409 for a check of a code that is not activated", async () => {
    expect((await post("check", { license: issue() })).status).to.equal(409);
  });

  it("sends the day's usage once, after the day, with the software-usage API", async () => {
    const code = issue();
    await post("activate", { license: code });
    expect(await post("usage", { license: code, id: "device-1" })).to.deep.include({ status: 202 });
    await post("usage", { license: code, id: "device-1" });
    await post("usage", { license: code, id: "device-2" });
    const outbox = s.koogate.container.resolve(Outbox);
    await outbox.tick();
    expect(lm.state.softwareUsage.filter((u) => u.license === code)).to.have.length(0);
    clock.t += 86_400_000 + 600_000;
    await outbox.tick();
    for (let i = 0; i < 50 && !lm.state.softwareUsage.some((u) => u.license === code); i++) await new Promise((r) => setTimeout(r, 50));
    await outbox.tick();
    await new Promise((r) => setTimeout(r, 200));
    const sent = lm.state.softwareUsage.filter((u) => u.license === code);
    expect(sent).to.have.length(1);
    expect((sent[0]!.software_usage_Info as unknown[]).length).to.equal(2);
  });

  it("drops sent usage reports once they are more than a week old", async () => {
    // days no other test reports on
    clock.t += 100 * 86_400_000;
    const code = issue();
    await post("activate", { license: code });
    await post("usage", { license: code, id: "old-device" });
    const outbox = s.koogate.container.resolve(Outbox);
    const sendDay = async () => {
      clock.t += 86_400_000 + 600_000;
      for (let i = 0; i < 40; i++) {
        await outbox.tick();
        if ((await s.koogate.db("koogate_license_usage").where({ product_id: "relay", sent: false }).first()) === undefined) return;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const oldDay = new Date(clock.t).toISOString().slice(0, 10).replace(/-/g, "");
    await sendDay();
    expect((await s.koogate.db("koogate_license_usage").where({ product_id: "relay", day: oldDay }).pluck("sent")).map(Boolean)).to.deep.equal([true]);
    clock.t += 9 * 86_400_000;
    await post("usage", { license: code, id: "new-device" });
    await sendDay();
    expect(await s.koogate.db("koogate_license_usage").where({ product_id: "relay", day: oldDay })).to.have.length(0);
  });

  it("refuses usage of a code it has not activated or checked (404)", async () => {
    expect((await post("usage", { license: issue(), activeNum: 3 })).status).to.equal(404);
  });

  it("counts at most clientsPerCodePerDay clients of a code (429 past it)", async () => {
    const code = issue();
    await post("activate", { license: code }, "tight", { "x-forwarded-for": "10.0.0.9" });
    await post("usage", { license: code, id: "a" }, "tight", { "x-forwarded-for": "10.0.0.9" });
    clock.t += 61_000;
    await post("usage", { license: code, id: "b" }, "tight", { "x-forwarded-for": "10.0.0.9" });
    expect((await post("usage", { license: code, id: "c" }, "tight", { "x-forwarded-for": "10.0.0.9" })).status).to.equal(429);
  });

  it("limits requests per client address (429 with Retry-After)", async () => {
    const h = { "x-forwarded-for": "10.0.0.1" };
    for (let i = 0; i < 3; i++) await post("check", { license: `PLRATE${i}` }, "tight", h);
    const r = await post("check", { license: "PLRATE9" }, "tight", h);
    expect(r.status).to.equal(429);
    expect(Number(r.retryAfter)).to.be.within(1, 60);
    expect((await post("check", { license: "PLRATE9" }, "tight", { "x-forwarded-for": "10.0.0.2" })).status).to.not.equal(429);
  });

  it("limits requests per code, whatever the address", async () => {
    const code = "PLCODELIMIT1";
    await post("check", { license: code }, "tight", { "x-forwarded-for": "10.0.1.1" });
    await post("check", { license: code }, "tight", { "x-forwarded-for": "10.0.1.2" });
    expect((await post("check", { license: code }, "tight", { "x-forwarded-for": "10.0.1.3" })).json).to.deep.equal({ error: "too many requests for this code" });
  });

  for (const [what, body, error] of [
    ["a body that is not JSON", "{nope", "the body is not JSON"],
    ["a JSON array", "[]", "the body is not a JSON object"],
    ["a missing license", "{}", "license must be the authorization code (1 to 64 printable characters)"],
    ["a license of 65 characters", JSON.stringify({ license: "P".repeat(65) }), "license must be the authorization code (1 to 64 printable characters)"],
  ] as const) {
    it(`answers 400 with a short JSON error for ${what}`, async () => {
      expect(await post("check", body)).to.deep.include({ status: 400, json: { error } });
    });
  }

  it("answers 400 for usage with both id and activeNum", async () => {
    expect(await post("usage", { license: "PLX", id: "a", activeNum: 1 })).to.deep.include({ status: 400, json: { error: "send exactly one of id and activeNum" } });
  });

  it("answers 503 with Retry-After when the marketplace cannot be reached", async () => {
    lm.state.failNext(3, "500");
    const r = await post("activate", { license: issue() });
    expect(r).to.deep.include({ status: 503, json: { error: "the licence service cannot reach the marketplace; try again later" } });
    expect(r.retryAfter).to.equal("60");
  });

  it("answers 404 for a relay call other than activate, check and usage", async () => {
    expect((await post("delete", { license: "PLX" })).status).to.equal(404);
  });
});
