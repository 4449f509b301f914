import { createHash } from "node:crypto";
import { expect } from "chai";
import { MarketplaceClient, type MarketplaceClientOptions } from "../../../core/marketplace/client.js";
import type { MarketplaceResult } from "../../../core/marketplace/answers.js";
import { createLogger } from "../../../core/logger.js";
import { startLocalMarketplace, type LocalMarketplace } from "../../../sim/marketplace/server.js";

const AK = "TEST-AK-CLIENT";
const SK = "test-sk-client-secret";

/** The failure of a result, or a failed assertion when it succeeded. */
function failure<T>(r: MarketplaceResult<T>) {
  if (r.ok) expect.fail(`expected a failure, got ${r.code}`);
  return r;
}

describe("MarketplaceClient against the local marketplace", () => {
  let mkt: LocalMarketplace;
  let lines: string[];
  const client = (extra: MarketplaceClientOptions = {}) =>
    new MarketplaceClient({
      baseUrl: mkt.url,
      ak: AK,
      sk: SK,
      logger: createLogger({ level: "debug", write: (l) => lines.push(l) }),
      sleep: async () => {},
      timeoutMs: 2000,
      ...extra,
    });

  beforeEach(async () => {
    lines = [];
    mkt = await startLocalMarketplace({ ak: AK, sk: SK, hangMs: 5000 });
  });
  afterEach(() => mkt.close());

  it("queries a mock order into typed data", async () => {
    const r = await client().queryOrder({ orderId: "MOCKPERIODYEARNEW", orderLineId: "MOCKPERIODYEARNEW-000001" });
    if (!r.ok) expect.fail(r.message);
    expect(r.code).to.equal("MKT.0000");
    expect(r.data.orderType).to.equal("NEW");
    expect(r.data.orderLine[0]!.chargingMode).to.equal("PERIOD");
    expect(r.data.orderLine[0]!.productInfo[0]!.linearValue).to.equal(50);
    expect(r.data.buyerInfo?.customerName).to.equal("mock_user_01");
  });

  it("reads an unknown order as an MKT failure, not an HTTP status", async () => {
    const f = failure(await client().queryOrder({ orderId: "NO-SUCH-ORDER" }));
    expect([f.family, f.code, f.kind]).to.deep.equal(["MKT", "MKT.0150", "forbidden"]);
  });

  it("activates a code and then reads it ALIVE, and a second activation is illegal-state", async () => {
    const { code } = mkt.state.issueLicense({ expireTime: "20301231235959" });
    const a = await client().activateLicense({ license: code });
    if (!a.ok) expect.fail(a.message);
    expect(a.data).to.deep.include({ status: "ALIVE", expireTime: "20301231235959" });
    const q = await client().queryLicense({ license: code });
    if (!q.ok) expect.fail(q.message);
    expect([q.data.licenseCode, q.data.status]).to.deep.equal([code, "ALIVE"]);
    const again = failure(await client().activateLicense({ license: code }));
    expect([again.family, again.code, again.kind]).to.deep.equal(["LICENSE", "92020003", "illegal-state"]);
  });

  it("says a code was not received, or not activated, by kind", async () => {
    const unreceived = mkt.state.issueLicense({ received: false });
    expect(failure(await client().activateLicense({ license: unreceived.code })).kind).to.equal("not-received");
    expect(failure(await client().queryLicense({ license: unreceived.code })).kind).to.equal("not-activated");
  });

  it("activates a batch, and fails one with an unknown code as invalid (92020020)", async () => {
    const codes = [mkt.state.issueLicense().code, mkt.state.issueLicense().code];
    expect((await client().activateLicenses({ licenses: codes })).ok).to.equal(true);
    expect(mkt.state.licenses.get(codes[1]!)!.state).to.equal("ALIVE");
    const f = failure(await client().activateLicenses({ licenses: ["PLNOPE"] }));
    expect([f.code, f.kind]).to.deep.equal(["92020020", "invalid"]);
  });

  it("reports software usage with the documented key spelling", async () => {
    const { code } = mkt.state.issueLicense();
    await client().activateLicense({ license: code });
    const r = await client().reportSoftwareUsage([{ license: code, clients: [{ id: "account1" }, { activeNum: 3 }] }]);
    expect(r.ok).to.equal(true);
    expect(mkt.state.softwareUsage).to.deep.equal([{ license: code, software_usage_Info: [{ id: "account1" }, { active_num: 3 }] }]);
  });

  it("uploads a file with its sha256 and a string, readable back byte for byte", async () => {
    const content = Buffer.from([0, 1, 2, 0xff, 0x0d, 0x0a, 0x2d, 0x2d]);
    expect((await client().uploadFile({ eventId: "ev-1", fileName: "licence.bin", content })).ok).to.equal(true);
    expect((await client().uploadCharacters({ eventId: "ev-2", characters: "LICENCE-TEXT" })).ok).to.equal(true);
    const [file, chars] = mkt.state.uploads;
    expect(file!.file!.equals(content)).to.equal(true);
    expect(file!.sha256).to.equal(createHash("sha256").update(content).digest("hex"));
    expect(chars).to.deep.equal({ eventId: "ev-2", type: "CHARACTERS", characters: "LICENCE-TEXT" });
  });

  it("pushes usage signed with the listing's basic key", async () => {
    mkt.state.setUsageKey("demo-saas", "basic-key-1");
    const record = { instance_id: "i-1", record_time: "20260101T011000Z", begin_time: "20260101T000000Z", end_time: "20260101T010000Z", usage_value: 1.5, metering_sn: "sn-1" };
    const r = await client({ ak: undefined, sk: undefined }).pushUsage({ records: [record], key: "basic-key-1" });
    if (!r.ok) expect.fail(r.message);
    expect(r.data.abnormal).to.deep.equal([]);
    expect(mkt.state.usage.map((u) => [u.metering_sn, u.keyId])).to.deep.equal([["sn-1", "demo-saas"]]);
  });

  it("reads a usage push with the wrong key as an auth failure (94060002)", async () => {
    mkt.state.setUsageKey("demo-saas", "basic-key-1");
    const record = { instance_id: "i-1", record_time: "20260101T011000Z", begin_time: "20260101T000000Z", end_time: "20260101T010000Z", usage_value: 1, metering_sn: "sn-2" };
    const f = failure(await client().pushUsage({ records: [record], key: "wrong" }));
    expect([f.family, f.code, f.kind, f.status]).to.deep.equal(["MKT", "94060002", "auth", 401]);
  });

  it("reads a wrong secret as an APIGW auth failure", async () => {
    const f = failure(await client({ sk: "not-the-secret" }).queryOrder({ orderId: "MOCKONDEMAND" }));
    expect([f.family, f.kind, f.status]).to.deep.equal(["APIGW", "auth", 401]);
  });

  it("reads a clock 20 minutes fast as an APIGW auth failure", async () => {
    const f = failure(await client({ now: () => new Date(Date.now() + 20 * 60_000) }).queryOrder({ orderId: "MOCKONDEMAND" }));
    expect([f.family, f.code]).to.deep.equal(["APIGW", "APIGW.0303"]);
    expect(f.message).to.match(/out of range/);
  });

  it("reads a CBC answer (an upload without its characters) as invalid", async () => {
    const f = failure(await client().uploadCharacters({ eventId: "ev", characters: "" }));
    expect([f.family, f.code, f.kind]).to.deep.equal(["CBC", "CBC.0101", "invalid"]);
  });

  it("reads a 9500000x answer (an empty code) in the LICENSE family", async () => {
    const f = failure(await client().activateLicense({ license: "" }));
    expect([f.family, f.code, f.kind, f.status]).to.deep.equal(["LICENSE", "95000001", "invalid", 400]);
  });

  it("retries a 500 and succeeds on the second attempt", async () => {
    mkt.state.failNext(1, "500");
    const r = await client().queryOrder({ orderId: "MOCKONETIMENEW" });
    expect([r.ok, r.attempts]).to.deep.equal([true, 2]);
    expect(mkt.state.calls.map((c) => c.fault ?? "answered")).to.deep.equal(["500", "answered"]);
  });

  it("gives up after the retries with an http failure", async () => {
    mkt.state.failNext(5, "500");
    const f = failure(await client({ retries: 2 }).queryOrder({ orderId: "MOCKONETIMENEW" }));
    expect([f.family, f.code, f.kind, f.attempts]).to.deep.equal(["http", "500", "unavailable", 3]);
    expect(mkt.state.calls).to.have.length(3);
  });

  it("retries throttling and reports it as rate-limited when it lasts", async () => {
    mkt.state.failNext(3, "throttle");
    const f = failure(await client({ retries: 2 }).queryOrder({ orderId: "MOCKONETIMENEW" }));
    expect([f.family, f.code, f.kind]).to.deep.equal(["APIGW", "APIGW.0308", "rate-limited"]);
    expect(mkt.state.calls).to.have.length(3);
  });

  it("never retries a 4xx", async () => {
    const f = failure(await client({ retries: 3 }).queryOrder({ orderId: "" }));
    expect([f.status, f.attempts]).to.deep.equal([400, 1]);
    expect(mkt.state.calls).to.have.length(1);
  });

  it("reads an answer that never comes as a network timeout, and retries it", async () => {
    mkt.state.failNext(1, "timeout");
    const r = await client({ timeoutMs: 300 }).queryOrder({ orderId: "MOCKMONTYRENEW" });
    expect([r.ok, r.attempts]).to.deep.equal([true, 2]);
    const f = failure(await (mkt.state.failNext(1, "timeout"), client({ timeoutMs: 300, retries: 0 })).queryOrder({ orderId: "MOCKMONTYRENEW" }));
    expect([f.family, f.code, f.status]).to.deep.equal(["network", "TIMEOUT", 0]);
  });

  it("waits longer before each retry, with jitter on top", async () => {
    const waits: number[] = [];
    mkt.state.failNext(3, "500");
    await client({ retries: 3, backoffMs: 100, random: () => 0.5, sleep: async (ms) => void waits.push(ms) }).queryOrder({ orderId: "MOCKONDEMAND" });
    expect(waits).to.deep.equal([150, 300, 600]);
  });

  it("cuts an attempt to the call's budget and makes no retry that would not end inside it", async () => {
    mkt.state.failNext(3, "timeout");
    const f = failure(await client({ timeoutMs: 10_000, retries: 2 }).queryOrder({ orderId: "MOCKMONTYRENEW" }, { budgetMs: 400 }));
    expect([f.family, f.code, f.attempts]).to.deep.equal(["network", "TIMEOUT", 1]);
    expect(mkt.state.calls).to.have.length(1);
  });

  it("retries within the budget while a useful attempt still fits", async () => {
    mkt.state.failNext(1, "500");
    const r = await client({ retries: 2, backoffMs: 10 }).queryOrder({ orderId: "MOCKMONTYRENEW" }, { budgetMs: 3000 });
    expect([r.ok, r.attempts]).to.deep.equal([true, 2]);
  });

  it("ignores unknown fields in an answer", async () => {
    mkt.state.addOrder({ orderId: "EXTRA", orderType: "NEW", somethingNew: { x: 1 }, orderLine: [{ chargingMode: "PERIOD", newField: [1] }] });
    const r = await client().queryOrder({ orderId: "EXTRA" });
    if (!r.ok) expect.fail(r.message);
    expect(r.data.orderLine[0]!.orderLineId).to.equal("EXTRA-000001");
    expect(Object.keys(r.data)).to.not.include("somethingNew");
  });

  it("never writes the AK or the SK in a log line", async () => {
    mkt.state.failNext(1, "500");
    await client().queryOrder({ orderId: "MOCKONDEMAND" });
    await client({ sk: "wrong-secret" }).queryOrder({ orderId: "MOCKONDEMAND" });
    expect(lines.length).to.be.greaterThan(2);
    for (const l of lines) expect(l).to.not.match(new RegExp(`${AK}|${SK}|wrong-secret|SDK-HMAC`));
  });
});
