import { expect } from "chai";
import { startServer, type TestServer } from "../support/server.js";
import { eventually } from "../support/wait.js";
import { APIG_KEYS, apiYaml, GATEWAY_ENV, sendRaw, signedRaw, startUpstream, type Upstream } from "../support/gateway.js";

// An APIG signature over the gateway's per-call X-Request-Id is good for one call: a replay within the
// ±15-minute date window is refused, in any process on the database (docs/marketplace/api-image-openapi.md §6.3).
describe("APIG signatures replayed within the date window", () => {
  let upstream: Upstream;
  let s: TestServer;
  let other: TestServer;
  before(async () => {
    upstream = await startUpstream();
    const products = { "p.yaml": apiYaml("p", ["auth: apig-signature", ...APIG_KEYS, `upstream: ${upstream.url}`]) };
    s = await startServer({ env: GATEWAY_ENV, products });
    // a second server on the same database: another process of one deployment
    other = await startServer({ env: GATEWAY_ENV, products, databaseUrl: s.databaseUrl });
  });
  after(async () => {
    await other?.close();
    await s?.close();
    await upstream?.close();
  });
  beforeEach(() => {
    upstream.seen.length = 0;
  });

  it("answers a captured POST once: the four replays are refused 401 and never reach the upstream", async () => {
    const captured = signedRaw(s.url, "/api/p/orders", { body: '{"amount": 100}', headers: { "content-type": "application/json" } });
    const statuses: number[] = [];
    const bodies: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await sendRaw(s.url, captured);
      statuses.push(r.status);
      bodies.push(r.body);
    }
    expect(statuses).to.deep.equal([200, 401, 401, 401, 401]);
    expect(JSON.parse(bodies[1]!)).to.deep.equal({ error: "gateway authentication already used" });
    expect(upstream.seen.map((r) => r.body)).to.deep.equal(['{"amount": 100}']);
  });

  it("refuses a replay sent to another process on the same database", async () => {
    const captured = signedRaw(s.url, "/api/p/orders", { body: "{}" });
    expect((await sendRaw(s.url, captured)).status).to.equal(200);
    expect((await sendRaw(other.url, captured)).status).to.equal(401);
    expect(upstream.seen).to.have.length(1);
  });

  it("lets exactly one of ten simultaneous copies through", async () => {
    const captured = signedRaw(s.url, "/api/p/once", { body: "{}" });
    const statuses = await Promise.all(Array.from({ length: 10 }, (_, i) => sendRaw(i % 2 ? other.url : s.url, captured).then((r) => r.status)));
    expect(statuses.sort()).to.deep.equal([200, ...Array(9).fill(401)]);
    expect(upstream.seen).to.have.length(1);
  });

  it("refuses a variant of a used signature: another raw form of the same path and query", async () => {
    const captured = signedRaw(s.url, "/api/p/echo?a=1&a=2");
    expect((await sendRaw(s.url, captured)).status).to.equal(200);
    expect((await sendRaw(s.url, { ...captured, target: "/api/p/%65cho?a=2&a=1" })).status).to.equal(401);
    expect(upstream.seen.map((r) => r.url)).to.deep.equal(["/echo?a=1&a=2"]);
  });

  it("keeps the claimed signature until the date window has passed, and logs the replay as refused", async () => {
    // the rows of this test's calls only: the earlier tests' rows may still be on their way (the call log
    // writes a row within 20 ms of its call's end)
    const since = Date.now();
    const captured = signedRaw(s.url, "/api/p/kept", { headers: { "x-request-id": "rq-kept" } });
    await sendRaw(s.url, captured);
    await sendRaw(s.url, captured);
    const rows = await eventually(async () => {
      const r: Array<Record<string, unknown>> = await s.koogate.db("koogate_api_calls").where("at", ">=", since).andWhere((q) => q.where({ request_id: "rq-kept" }).orWhere({ note: "replayed" })).orderBy("id");
      return r.length >= 2 ? r : null;
    }, "the call's row and its replay's");
    // the replay's headers are not authenticated: its row names no request and no buyer. By status: an
    // answered call's row is recorded once its answer has gone, which may be after the replay's refusal
    expect(rows.slice(0, 2).sort((a, b) => Number(a.status) - Number(b.status)).map((r) => [r.request_id, r.status, r.outcome, r.note])).to.deep.equal([
      ["rq-kept", 200, "answered", null],
      [null, 401, "refused", "replayed"],
    ]);
    const nonces: Array<{ expires_at: string | number }> = await s.koogate.db("koogate_nonces").where({ product_id: "p", scope: "api-apig" });
    const sdkDate = Date.parse(captured.headers["x-sdk-date"]!.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, "$1-$2-$3T$4:$5:$6Z"));
    expect(nonces.map((n) => Number(n.expires_at))).to.include(sdkDate + 15 * 60_000);
  });
});
