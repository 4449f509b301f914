import { expect } from "chai";
import { signBasic, signBasicRequest } from "../../core/signing/basic.js";
import { countRows, newInstanceBody } from "../support/orders.js";
import { startServer, TEST_KEY, type TestServer } from "../support/server.js";

describe("request authentication over HTTP (docs/marketplace/saas.md §2.1)", () => {
  let s: TestServer;
  const lines: string[] = [];
  before(async () => {
    s = await startServer({ logLines: lines });
  });
  after(() => s.close());

  it("accepts a body signed over its exact raw bytes, even when they are not in canonical order", async () => {
    const raw = `{"testFlag":"0","activity":"newInstance","orderId":"RAW1","orderLineId":"RAW1-1","businessId":"raw-biz-1"}`;
    const ts = String(Date.now());
    const sig = signBasic({ accessKey: TEST_KEY, nonce: "raw-nonce-1", timestamp: ts, payload: raw });
    const r = await s.send(raw, { query: `signature=${sig}&timestamp=${ts}&nonce=raw-nonce-1` });
    expect(r.json.resultCode).to.equal("000000");
  });

  it("accepts a body signed over its canonical form (top-level keys sorted) and logs which form matched", async () => {
    const raw = `{"testFlag":"0","activity":"newInstance","orderId":"CAN1","orderLineId":"CAN1-1","businessId":"can-biz-1"}`;
    const r = await s.send(raw); // signBasicRequest signs the canonical form
    expect(r.json.resultCode).to.equal("000000");
    expect(lines.some((l) => l.includes('"signed":"canonical"'))).to.equal(true);
  });

  it("refuses a body with one byte flipped after signing with 000001 and writes no instance", async () => {
    const body = JSON.stringify(newInstanceBody());
    const { query } = signBasicRequest({ accessKey: TEST_KEY, body });
    const tampered = body.replace('"orderId":"CS', '"orderId":"CT');
    const r = await s.send(tampered, { query });
    expect(r.json.resultCode).to.equal("000001");
    expect(await countRows(s.koogate.db, "koogate_instances", { order_id: JSON.parse(tampered).orderId })).to.equal(0);
  });

  it("refuses a signature made with another key with 000001", async () => {
    const r = await s.send(newInstanceBody(), { key: "not-the-key" });
    expect(r.json.resultCode).to.equal("000001");
  });

  it("refuses a nonce it has already seen with 000001, even with a valid signature", async () => {
    const body = JSON.stringify({ activity: "queryInstance", instanceId: "whatever" });
    const { query } = signBasicRequest({ accessKey: TEST_KEY, body });
    const first = await s.send(body, { query });
    expect(first.json.resultCode).to.equal("000003");
    const replay = await s.send(body, { query });
    expect(replay.json.resultCode).to.equal("000001");
    expect(replay.json.resultMsg).to.equal("token is invalid");
  });

  it("refuses a timestamp 61 s old and one 61 s ahead with 000002", async () => {
    const body = JSON.stringify({ activity: "queryInstance", instanceId: "x" });
    for (const skew of [-61_000, 61_000]) {
      const { query } = signBasicRequest({ accessKey: TEST_KEY, body, timestamp: String(Date.now() + skew) });
      const r = await s.send(body, { query });
      expect(r.json.resultCode, `skew ${skew}`).to.equal("000002");
    }
  });

  it("refuses requests missing the signature (000001), the timestamp or the nonce (000002)", async () => {
    const body = JSON.stringify({ activity: "queryInstance", instanceId: "x" });
    const full = new URLSearchParams(signBasicRequest({ accessKey: TEST_KEY, body }).query);
    const expected: Record<string, string> = { signature: "000001", timestamp: "000002", nonce: "000002" };
    for (const [name, code] of Object.entries(expected)) {
      const q = new URLSearchParams(full);
      q.delete(name);
      const r = await s.send(body, { query: q.toString() });
      expect(r.json.resultCode, `without ${name}`).to.equal(code);
    }
  });

  it("signs refusals too, and records each of them in the event log", async () => {
    const before = await countRows(s.koogate.db, "koogate_events", { verdict: "rejected" });
    const r = await s.send(newInstanceBody(), { key: "not-the-key" });
    expect(r.bodySign).to.match(/^sign_type="HMAC-SHA256", signature= "/);
    expect(await countRows(s.koogate.db, "koogate_events", { verdict: "rejected" })).to.equal(before + 1);
  });

  it("never writes a key or a signature into the log", async () => {
    await s.send(newInstanceBody(), { key: "not-the-key" });
    const all = lines.join("\n");
    expect(all).to.not.include(TEST_KEY);
    expect(all).to.not.match(/signature=[0-9A-F]{64}/i);
  });
});
