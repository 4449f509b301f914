/**
 * The API front's flood: 4 000 unauthenticated calls to an API listing (no signature, a bad signature,
 * a dot segment, a replayed signature) must add a bounded number of call-log rows and log bytes
 * (core/serving/refusal-sampler.ts via core/kinds/api/service.ts), not one row and one line each.
 */
import { expect } from "chai";
import { REFUSAL_WINDOW_MS, RefusalSampler } from "../core/serving/refusal-sampler.js";
import { APIG_KEYS, apiYaml, apigCall, GATEWAY_ENV, sendRaw, signedRaw, startUpstream, type Upstream } from "../test/support/gateway.js";
import { testDatabaseKind } from "../test/support/database.js";
import { startServer, type TestServer } from "../test/support/server.js";
import { figures } from "./support/figures.js";
import { testNumber } from "../test/support/environment.js";

const TOTAL = testNumber("KOOGATE_API_FLOOD_REQUESTS", 4_000);
const CONCURRENCY = 32;
/** the default sample (KOOGATE_REFUSAL_SAMPLE) */
const SAMPLE = 20;
/** the refusal reasons the flood provokes: one summary row each per minute at most */
const REASONS = 4;

const count = async (s: TestServer) => Number((await s.koogate.db("koogate_api_calls").count({ n: "*" }).first())?.n);

describe(`a flood of ${TOTAL} refused API calls (${testDatabaseKind})`, function () {
  this.timeout(300_000);
  let upstream: Upstream;
  let s: TestServer;
  const logLines: string[] = [];
  before(async () => {
    upstream = await startUpstream();
    s = await startServer({ env: GATEWAY_ENV, logLines, products: { "p.yaml": apiYaml("p", ["auth: apig-signature", ...APIG_KEYS, `upstream: ${upstream.url}`]) } });
  });
  after(async () => {
    await s?.close();
    await upstream?.close();
  });

  it("adds a bounded number of call-log rows and log bytes, and reaches the upstream once", async () => {
    const replayed = signedRaw(s.url, "/api/p/orders", { body: "{}" });
    expect((await sendRaw(s.url, replayed)).status).to.equal(200);
    const requests: Array<() => Promise<number>> = [
      () => fetch(`${s.url}/api/p/x`).then(async (r) => (await r.arrayBuffer(), r.status)),
      () => apigCall(`${s.url}/api/p/x`, { sk: "not-the-secret" }).then(async (r) => (await r.arrayBuffer(), r.status)),
      () => sendRaw(s.url, { method: "GET", target: "/api/p/../../admin", headers: {} }).then((r) => r.status),
      () => sendRaw(s.url, replayed).then((r) => r.status),
    ];
    await s.koogate.container.resolve(RefusalSampler).flush(Date.now(), true);
    const rowsBefore = await count(s);
    const logBefore = logLines.join("\n").length;
    const statuses = new Map<number, number>();
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < TOTAL) {
          const status = await requests[next++ % requests.length]!();
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }
      }),
    );
    const elapsedMs = performance.now() - t0;
    await s.koogate.container.resolve(RefusalSampler).flush(Date.now(), true);
    await s.koogate.db.raw("SELECT 1");
    // the summary rows are queued off the answer's path: give them a turn to be written
    await new Promise((r) => setTimeout(r, 200));
    const rows = (await count(s)) - rowsBefore;
    const logBytes = logLines.join("\n").length - logBefore;
    figures.requests += TOTAL;
    console.log(
      `\n  API refusal flood: ${TOTAL} refused calls in ${(elapsedMs / 1000).toFixed(1)} s (${Math.round(TOTAL / (elapsedMs / 1000))}/s) ` +
        `added ${rows} call-log rows and ${logBytes} log bytes; statuses ${JSON.stringify(Object.fromEntries(statuses))}; upstream reached ${upstream.seen.length} time(s)`,
    );
    expect([...statuses.keys()].sort()).to.deep.equal([400, 401]);
    const windows = Math.ceil(elapsedMs / REFUSAL_WINDOW_MS) + 1;
    const bound = (SAMPLE + REASONS) * windows;
    expect(rows).to.be.at.most(bound);
    expect(logBytes).to.be.at.most(bound * 1024);
    expect(upstream.seen).to.have.length(1);
  });
});
