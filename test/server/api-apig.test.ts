import { expect } from "chai";
import { startServer, type TestServer } from "../support/server.js";
import { eventually } from "../support/wait.js";
import { APIG_KEYS, APIG_SECRET, apiYaml, apigCall, GATEWAY_ENV, startUpstream, type Upstream } from "../support/gateway.js";

/** The call log's rows, oldest first, once there are `n` of them. */
async function callRows(s: TestServer, n: number, since: number): Promise<Array<Record<string, unknown>>> {
  return eventually(async () => {
    const rows: Array<Record<string, unknown>> = await s.koogate.db("koogate_api_calls").where("at", ">=", since).orderBy("id");
    return rows.length >= n ? rows : null;
  }, `${n} call log rows`);
}

describe("API listings behind APIG (auth: apig-signature), through the real server", () => {
  let upstream: Upstream;
  let s: TestServer;
  before(async () => {
    upstream = await startUpstream();
    s = await startServer({
      env: { ...GATEWAY_ENV, TEST_APIG_KEY_NEXT: "next-key", TEST_APIG_SECRET_NEXT: "next-secret" },
      products: {
        "proxied.yaml": apiYaml("proxied", ["auth: apig-signature", ...APIG_KEYS, "  - { key: TEST_APIG_KEY_NEXT, secret: TEST_APIG_SECRET_NEXT }", `upstream: ${upstream.url}/base`]),
        "stats.yaml": apiYaml("stats", ["auth: apig-signature", ...APIG_KEYS, "adapter: DemoTextStatsAdapter"]),
      },
    });
  });
  after(async () => {
    await s?.close();
    await upstream?.close();
  });
  beforeEach(() => {
    upstream.seen.length = 0;
  });

  it("forwards a signed call to the upstream: method, sub-path, query (in its canonical order) and exact body, and answers with its answer", async () => {
    const res = await apigCall(`${s.url}/api/proxied/v1/items?b=2&a=1`, { method: "PUT", body: '{"x": 1}', headers: { "content-type": "application/json" } });
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ method: "PUT", url: "/base/v1/items?a=1&b=2", body: '{"x": 1}' });
    expect(upstream.seen).to.have.length(1);
  });

  it("accepts the second key pair of a rotation", async () => {
    const res = await apigCall(`${s.url}/api/proxied/ping`, { ak: "next-key", sk: "next-secret" });
    expect(res.status).to.equal(200);
    expect(upstream.seen).to.have.length(1);
  });

  it("answers by the adapter: the demo text statistics", async () => {
    const res = await apigCall(`${s.url}/api/stats/stats?top=1`, { body: "the cat saw the dog\nthe end", headers: { "content-type": "text/plain" } });
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ characters: 27, words: 7, lines: 2, frequent: [{ word: "the", count: 3 }] });
  });

  const refusals: Array<[string, Parameters<typeof apigCall>[1]]> = [
    ["a wrong secret", { sk: "not-the-secret" }],
    ["an unknown access key", { ak: "someone-else", sk: APIG_SECRET }],
    // getters: the date is taken when the test runs, not when the file loads (minutes earlier in a full run)
    ["an X-Sdk-Date 16 minutes old", { get date() { return new Date(Date.now() - 16 * 60_000); } }],
    ["an X-Sdk-Date 16 minutes ahead", { get date() { return new Date(Date.now() + 16 * 60_000); } }],
    ["a signed header changed after signing", { headers: { "x-customer-id": "buyer-1" }, after: (r) => void (r.headers["x-customer-id"] = "buyer-2") }],
    ["a body tampered with after signing", { body: '{"amount": 1}', after: (r) => void (r.body = '{"amount": 9}') }],
    ["no Authorization header", { after: (r) => void delete r.headers.Authorization }],
    ["no X-Sdk-Date header", { after: (r) => void delete r.headers["X-Sdk-Date"] }],
  ];
  for (const [what, opts] of refusals) {
    it(`refuses ${what} with HTTP 401 and a short JSON error, forwarding nothing`, async () => {
      const res = await apigCall(`${s.url}/api/proxied/v1/items`, opts);
      expect(res.status).to.equal(401);
      const body = (await res.json()) as { error: string };
      expect(Object.keys(body)).to.deep.equal(["error"]);
      expect(body.error).to.match(/^gateway authentication /);
      // the upstream is on loopback: had it been called, it would have seen the request by now
      await new Promise((r) => setTimeout(r, 50));
      expect(upstream.seen).to.have.length(0);
    });
  }

  it("logs each call with the buyer, the gateway's request id, status, outcome and bytes", async () => {
    // the rows of this test's calls only: the earlier tests' rows may still be on their way (the call log
    // writes a row within 20 ms of its call's end)
    const since = Date.now();
    await apigCall(`${s.url}/api/proxied/x`, { body: "12345", headers: { "x-customer-id": "acct-42", "x-request-id": "rq-7" } });
    await apigCall(`${s.url}/api/proxied/x`, { sk: "wrong", headers: { "x-customer-id": "acct-43" } });
    // by status: an answered call's row is written once its answer has gone, which may be after the next call's
    const all = (await callRows(s, 2, since)).sort((a, b) => Number(a.status) - Number(b.status));
    expect(all[0]!).to.include({ buyer_id: "acct-42", request_id: "rq-7", method: "POST", status: 200, outcome: "answered" });
    expect(Number(all[0]!.bytes_in)).to.equal(5);
    expect(Number(all[0]!.bytes_out)).to.be.greaterThan(0);
    // a refused call is logged too; its buyer header is not authenticated, so it is not taken as the buyer
    expect(all[1]!).to.include({ buyer_id: null, status: 401, outcome: "refused", note: "bad-signature" });
  });

  it("answers 404 for an unknown API product", async () => {
    expect((await apigCall(`${s.url}/api/nope/x`)).status).to.equal(404);
    expect(upstream.seen).to.have.length(0);
  });
});
