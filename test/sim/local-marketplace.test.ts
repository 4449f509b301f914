import { expect } from "chai";
import { marketplace } from "../../bin/commands/marketplace.js";
import { signApigRequest } from "../../core/signing/apig.js";
import { signUsagePushRequest, usagePushBody } from "../../core/signing/usage-push.js";
import { startLocalMarketplace, type LocalMarketplace } from "../../sim/marketplace/server.js";

const AK = "LOCAL-AK";
const SK = "local-sk";
const ORDER_QUERY = "/api/mkp-openapi-public/global/v1/order/query";
const USAGE = "/api/mkp-openapi-public/global/v1/isv/usage-data";

/** A signed GET/POST made by hand, so that each test controls the exact bytes and headers. */
async function signed(mkt: LocalMarketplace, path: string, opts: { body?: string; sk?: string; date?: Date; tamper?: boolean } = {}) {
  const url = mkt.url + path;
  const method = opts.body === undefined ? "GET" : "POST";
  const headers = { "Content-Type": "application/json" };
  const auth = signApigRequest({ method, url, headers, body: opts.body ?? "", ak: AK, sk: opts.sk ?? SK, date: opts.date });
  const body = opts.tamper ? opts.body!.replace("PL", "PM") : opts.body;
  const res = await fetch(url, { method, headers: { ...headers, "X-Sdk-Date": auth["X-Sdk-Date"], Authorization: auth.Authorization }, body });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const record = (sn: string, value = 2) => ({
  begin_time: "20260101T000000Z",
  end_time: "20260101T010000Z",
  instance_id: "inst-1",
  metering_sn: sn,
  record_time: "20260101T011000Z",
  usage_value: value,
});

async function push(mkt: LocalMarketplace, key: string, records: object[]) {
  const body = usagePushBody({ usage_records: records });
  const headers = { "Content-Type": "application/json", ...signUsagePushRequest({ key, body }) };
  const res = await fetch(mkt.url + USAGE, { method: "POST", headers, body });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe("the local marketplace (sim/marketplace)", () => {
  let mkt: LocalMarketplace;
  beforeEach(async () => (mkt = await startLocalMarketplace({ ak: AK, sk: SK, hangMs: 200 })));
  afterEach(() => mkt.close());

  it("listens on 127.0.0.1 only", () => {
    expect(new URL(mkt.url).hostname).to.equal("127.0.0.1");
  });

  it("answers a correctly signed query for a mock order line", async () => {
    const r = await signed(mkt, `${ORDER_QUERY}?orderId=MOCKMONTYRENEW&orderLineId=MOCKMONTYRENEW-000001`);
    expect(r.status).to.equal(200);
    expect(r.json.resultCode).to.equal("MKT.0000");
    expect((r.json.orderInfo as { orderType: string }).orderType).to.equal("RENEW");
  });

  it("answers a wrong signature as the gateway does: 401 APIGW", async () => {
    const r = await signed(mkt, `${ORDER_QUERY}?orderId=MOCKONDEMAND`, { sk: "other" });
    expect([r.status, r.json.error_code, r.json.error_msg]).to.deep.equal([401, "APIGW.0303", "Incorrect app authentication information: verify signature fail"]);
  });

  it("refuses a body changed after signing", async () => {
    const r = await signed(mkt, "/api/mkp-openapi-public/global/v1/license/activate", { body: '{"license":"PLX"}', tamper: true });
    expect([r.status, r.json.error_code]).to.deep.equal([401, "APIGW.0303"]);
  });

  it("refuses an X-Sdk-Date 16 minutes old", async () => {
    const r = await signed(mkt, `${ORDER_QUERY}?orderId=MOCKONDEMAND`, { date: new Date(Date.now() - 16 * 60_000) });
    expect(r.status).to.equal(401);
    expect(r.json.error_msg).to.match(/signing time is out of range/);
  });

  it("answers an unknown API path with APIGW.0101", async () => {
    const r = await signed(mkt, "/api/mkp-openapi-public/global/v1/nothing");
    expect([r.status, r.json.error_code]).to.deep.equal([404, "APIGW.0101"]);
  });

  it("serves an order registered over /_local/orders", async () => {
    const res = await fetch(`${mkt.url}/_local/orders`, { method: "POST", body: JSON.stringify({ orderId: "CS-SCENARIO-1", orderType: "NEW", orderLine: [{ chargingMode: "ONE_TIME" }] }) });
    expect(res.status).to.equal(201);
    const r = await signed(mkt, `${ORDER_QUERY}?orderId=CS-SCENARIO-1&orderLineId=CS-SCENARIO-1-000001`);
    expect(r.json.resultCode).to.equal("MKT.0000");
  });

  it("follows a code from received to ALIVE, then EXPIRED", async () => {
    const { code } = mkt.state.issueLicense();
    const activate = await signed(mkt, "/api/mkp-openapi-public/global/v1/license/activate", { body: JSON.stringify({ license: code }) });
    expect(activate.json.error_code).to.equal("92020000");
    mkt.state.setLicenseState(code, "EXPIRED");
    const q = await signed(mkt, "/api/mkp-openapi-public/global/v1/license/heartbeat", { body: JSON.stringify({ license: code }) });
    expect((q.json.data as { status: string }).status).to.equal("EXPIRED");
  });

  it("answers 92020003 to activating a code twice", async () => {
    const { code } = mkt.state.issueLicense();
    const body = JSON.stringify({ license: code });
    await signed(mkt, "/api/mkp-openapi-public/global/v1/license/activate", { body });
    const again = await signed(mkt, "/api/mkp-openapi-public/global/v1/license/activate", { body });
    expect(again.json).to.deep.equal({ error_code: "92020003", error_msg: "illegal state" });
  });

  it("records a usage push signed with a registered basic key, readable over /_local/usage", async () => {
    mkt.state.setUsageKey("prod-a", "key-a");
    mkt.state.setUsageKey("prod-b", "key-b");
    const r = await push(mkt, "key-b", [record("sn-1")]);
    expect([r.status, r.json.resultCode]).to.deep.equal([200, "MKT.0000"]);
    const usage = (await (await fetch(`${mkt.url}/_local/usage`)).json()) as { records: { metering_sn: string; keyId: string }[] };
    expect(usage.records.map((u) => [u.metering_sn, u.keyId])).to.deep.equal([["sn-1", "prod-b"]]);
  });

  it("refuses a usage push signed with an unregistered key with 94060002", async () => {
    mkt.state.setUsageKey("prod-a", "key-a");
    const r = await push(mkt, "key-x", [record("sn-1")]);
    expect([r.status, r.json.error_code]).to.deep.equal([401, "94060002"]);
    expect(mkt.state.usage).to.have.length(0);
  });

  it("accepts a resent record idempotently: same metering_sn, same content, counted once", async () => {
    mkt.state.setUsageKey("prod-a", "key-a");
    await push(mkt, "key-a", [record("sn-1")]);
    const again = await push(mkt, "key-a", [record("sn-1")]);
    expect(again.json.AbnormalUsageDataInfo).to.deep.equal({ abnormal_usage_data: [] });
    expect(mkt.state.usage).to.have.length(1);
  });

  it("refuses a record that reuses a metering_sn for another usage", async () => {
    mkt.state.setUsageKey("prod-a", "key-a");
    await push(mkt, "key-a", [record("sn-1", 2)]);
    const again = await push(mkt, "key-a", [record("sn-1", 3), record("sn-2", 1)]);
    const abnormal = (again.json.AbnormalUsageDataInfo as { abnormal_usage_data: { metering_sn: string; error_code: string }[] }).abnormal_usage_data;
    expect(abnormal.map((a) => [a.metering_sn, a.error_code])).to.deep.equal([["sn-1", "MKT.9002"]]);
    expect(mkt.state.usage.map((u) => [u.metering_sn, u.record.usage_value])).to.deep.equal([["sn-1", 2], ["sn-2", 1]]);
  });

  it("fails exactly the next N calls when asked over /_local/faults", async () => {
    await fetch(`${mkt.url}/_local/faults`, { method: "POST", body: JSON.stringify({ fault: "throttle", count: 2 }) });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await signed(mkt, `${ORDER_QUERY}?orderId=MOCKONDEMAND`)).status);
    expect(statuses).to.deep.equal([429, 429, 200]);
  });

  it("holds the answer of a timeout fault back", async () => {
    mkt.state.failNext(1, "timeout");
    const t0 = Date.now();
    const r = await signed(mkt, `${ORDER_QUERY}?orderId=MOCKONDEMAND`);
    expect(Date.now() - t0).to.be.at.least(180);
    expect(r.status).to.equal(504);
  });

  it("`koogate marketplace` prints where it listens and which keys it expects, never the secret", async () => {
    const out: string[] = [];
    let stop!: () => void;
    const done = marketplace(["--port", "0"], { out: (l) => out.push(l), err: (l) => out.push(l), env: { KOOGATE_MARKETPLACE_AK: "MY-AK", KOOGATE_MARKETPLACE_SK: "my-secret-sk" } }, new Promise<void>((r) => (stop = r)));
    while (out.length < 6) await new Promise((r) => setTimeout(r, 10));
    stop();
    expect(await done).to.equal(0);
    const text = out.join("\n");
    expect(text).to.match(/listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(text).to.include("expecting AK MY-AK from KOOGATE_MARKETPLACE_AK");
    expect(text).to.not.include("my-secret-sk");
  });

  it("`koogate marketplace` sets up what each kind declares, and verifies the usage pushes of the project's metered listings", async () => {
    const out: string[] = [];
    let stop!: () => void;
    const done = marketplace(["--port", "0"], { out: (l) => out.push(l), err: (l) => out.push(l), env: {} }, new Promise<void>((r) => (stop = r)));
    while (!out.some((l) => l.includes("local routes"))) await new Promise((r) => setTimeout(r, 10));
    stop();
    expect(await done).to.equal(0);
    // the License kind's test code (Kind.localMarketplace); demo-saas is the one metered listing of products/
    expect(out).to.include("  test code     PLTEST000001 (received, not activated)");
    expect(out).to.include("  usage pushes  of demo-saas, verified with DEMO_SAAS_ACCESS_KEY (unset: the development key)");
  });

  it("`koogate marketplace --fault` refuses an unknown fault", async () => {
    try {
      await marketplace(["--fault", "503"], { out: () => {}, err: () => {}, env: {} });
      expect.fail("expected a usage error");
    } catch (e) {
      expect((e as Error).message).to.equal("--fault must be one of 500, timeout, throttle");
    }
  });
});
