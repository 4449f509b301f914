import { expect } from "chai";
import type { Clock } from "../../core/tokens.js";
import { startServer, type TestServer } from "../support/server.js";
import { APIG_KEYS, apiYaml, apigCall, GATEWAY_ENV, startUpstream, type Upstream } from "../support/gateway.js";

/** A clock the test moves on. */
function testClock(): Clock & { advance(ms: number): void } {
  let offset = 0;
  return { now: () => Date.now() + offset, advance: (ms) => void (offset += ms) };
}

// The per-buyer limit is counted in the database, so it holds across every koogate process on it
// (core/kinds/api/rate-limit.ts; issue 20 item 4).
describe("the per-buyer limit of an API listing, across processes", () => {
  let upstream: Upstream;
  let a: TestServer;
  let b: TestServer;
  const clock = testClock();
  before(async () => {
    upstream = await startUpstream();
    const products = { "p.yaml": apiYaml("p", ["auth: apig-signature", ...APIG_KEYS, `upstream: ${upstream.url}`, "rateLimit: { requests: 5, perSeconds: 60 }"]) };
    a = await startServer({ env: GATEWAY_ENV, products, clock });
    b = await startServer({ env: GATEWAY_ENV, products, clock, databaseUrl: a.databaseUrl });
  });
  after(async () => {
    await b?.close();
    await a?.close();
    await upstream?.close();
  });

  it("lets 5 of one buyer's 20 simultaneous calls through when the limit is 5, spread over two processes on one database", async () => {
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => apigCall(`${(i % 2 ? a : b).url}/api/p/x`, { headers: { "x-customer-id": "acct-two" } }).then((r) => r.status)),
    );
    expect(statuses.filter((st) => st === 200)).to.have.length(5);
    expect(statuses.filter((st) => st === 429)).to.have.length(15);
    const rows: Array<{ buyer: string; count: number | string }> = await a.koogate.db("koogate_api_limits").where({ product_id: "p" });
    expect(rows.map((r) => [r.buyer, Number(r.count)])).to.deep.equal([["acct-two", 20]]);
  });

  it("answers 429 with the seconds left in the window, and lets the buyer through again in the next window", async () => {
    const limited = await apigCall(`${a.url}/api/p/x`, { headers: { "x-customer-id": "acct-two" } });
    expect(limited.status).to.equal(429);
    const retry = Number(limited.headers.get("retry-after"));
    expect(retry).to.be.within(1, 60);
    clock.advance(retry * 1000);
    expect((await apigCall(`${b.url}/api/p/x`, { headers: { "x-customer-id": "acct-two" } })).status).to.equal(200);
    expect((await apigCall(`${a.url}/api/p/x`, { headers: { "x-customer-id": "acct-other" } })).status).to.equal(200);
  });
});
