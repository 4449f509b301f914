/**
 * The flood: 20 000 unauthenticated requests on loopback (bad signature, no query string, stale
 * timestamp, replayed nonce, bad 1.0 authToken, bad kit x-sign) must add a bounded number of event
 * rows, database bytes and log bytes (core/serving/refusal-sampler.ts), not one row and one line each.
 */
import { statSync } from "node:fs";
import { expect } from "chai";
import { REFUSAL_WINDOW_MS, RefusalSampler } from "../core/serving/refusal-sampler.js";
import { signBasicRequest } from "../core/signing/basic.js";
import { signKitRequest } from "../core/signing/kit.js";
import { TEST_KEY } from "../test/support/client.js";
import { testDatabaseKind } from "../test/support/database.js";
import { productYaml, startServer, type TestServer } from "../test/support/server.js";
import { figures } from "./support/figures.js";
import { testNumber } from "../test/support/environment.js";

const TOTAL = testNumber("KOOGATE_FLOOD_REQUESTS", 20_000);
const CONCURRENCY = 32;
/** the default sample (KOOGATE_REFUSAL_SAMPLE) */
const SAMPLE = 20;
/** the refusal reasons the flood provokes: one summary row each per product and minute at most */
const REASONS = 6;
const PRODUCTS = 2;

async function databaseBytes(s: TestServer): Promise<number> {
  if (testDatabaseKind === "postgres") {
    const r = await s.koogate.db.raw("SELECT pg_total_relation_size('koogate_events') + pg_total_relation_size('koogate_nonces') AS n");
    return Number((r as { rows: Array<{ n: string }> }).rows[0]!.n);
  }
  // the file itself: the WAL is reused after each checkpoint, so its size says little of what was added
  await s.koogate.db.raw("PRAGMA wal_checkpoint(TRUNCATE)");
  return statSync(s.databaseUrl.replace(/^sqlite:/, "")).size;
}

const count = async (s: TestServer, table: string) => Number((await s.koogate.db(table).count({ n: "*" }).first())?.n);

describe(`a flood of ${TOTAL} refused requests (${testDatabaseKind})`, function () {
  this.timeout(300_000);
  let s: TestServer;
  const logLines: string[] = [];
  before(async () => {
    s = await startServer({
      products: {
        "test-saas.yaml": productYaml("test-saas", "jointOperation:\n  enabled: true"),
        "test-v1.yaml": productYaml("test-v1", "protocol: v1").replace("  kit: [TEST_KIT_KEY]\n", ""),
      },
      logLines,
    });
  });
  after(() => s.close());

  it("adds a bounded number of event rows, database bytes and log bytes", async () => {
    const body = JSON.stringify({ activity: "queryInstance", instanceId: "flood" });
    const replayed = signBasicRequest({ accessKey: TEST_KEY, body }).query;
    expect((await fetch(`${s.url}/produce/test-saas?${replayed}`, { method: "POST", body })).status).to.equal(200);
    const badKey = signBasicRequest({ accessKey: "not-the-key", body }).query;
    const syncBody = JSON.stringify({ tenantId: "t" });
    const kit = signKitRequest({ kitKey: "not-the-kit-key", body: syncBody });
    const requests: Array<() => Promise<Response>> = [
      () => fetch(`${s.url}/produce/test-saas?${badKey}`, { method: "POST", body }),
      () => fetch(`${s.url}/produce/test-saas`, { method: "POST", body }),
      () => fetch(`${s.url}/produce/test-saas?${signBasicRequest({ accessKey: TEST_KEY, body, timestamp: String(Date.now() - 3_600_000) }).query}`, { method: "POST", body }),
      () => fetch(`${s.url}/produce/test-saas?${replayed}`, { method: "POST", body }),
      () => fetch(`${s.url}/produce/test-v1?activity=queryInstance&instanceId=x&timeStamp=20300101000000000&authToken=bm90LWEtdG9rZW4%3D`),
      () => fetch(`${s.url}/produce/test-saas/produceAPI/v2/tenantSync`, { method: "POST", body: syncBody, headers: kit }),
    ];
    const rowsBefore = await count(s, "koogate_events");
    const nonceRowsBefore = await count(s, "koogate_nonces");
    const bytesBefore = await databaseBytes(s);
    const logBefore = logLines.join("\n").length;
    const codes = new Map<string, number>();
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < TOTAL) {
          const res = await requests[next++ % requests.length]!();
          const code = String(((await res.json()) as { resultCode?: string }).resultCode);
          codes.set(code, (codes.get(code) ?? 0) + 1);
        }
      }),
    );
    const elapsedMs = performance.now() - t0;
    await s.koogate.container.resolve(RefusalSampler).flush(Date.now(), true);
    const rows = (await count(s, "koogate_events")) - rowsBefore;
    const nonceRows = (await count(s, "koogate_nonces")) - nonceRowsBefore;
    const bytes = (await databaseBytes(s)) - bytesBefore;
    const logBytes = logLines.join("\n").length - logBefore;
    figures.requests += TOTAL;
    console.log(
      `\n  refusal flood: ${TOTAL} refused requests in ${(elapsedMs / 1000).toFixed(1)} s (${Math.round(TOTAL / (elapsedMs / 1000))}/s) ` +
        `added ${rows} event rows, ${nonceRows} nonce rows, ${bytes} database bytes and ${logBytes} log bytes; codes ${JSON.stringify(Object.fromEntries(codes))}`,
    );
    expect([...codes.keys()].sort()).to.deep.equal(["000001", "000002"]);
    const windows = Math.ceil(elapsedMs / REFUSAL_WINDOW_MS) + 1;
    const bound = (SAMPLE + REASONS) * PRODUCTS * windows;
    expect(rows).to.be.at.most(bound);
    expect(nonceRows).to.equal(0);
    expect(logBytes).to.be.at.most(bound * 1024);
    // a row with its index entries takes far less than two pages
    expect(bytes).to.be.at.most(bound * 8192);
  });
});
