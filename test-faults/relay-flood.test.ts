/**
 * The relay under a flood of made-up addresses (issue 24, findings 2 and 3): 20 000 unauthenticated
 * relay requests, each with a new X-Forwarded-For, must leave the relay's memory bounded and its windows
 * expiring — from a caller koogate does not trust (the header is ignored: one client; the server runs as
 * its own process so that its RSS is its own), and from a trusted proxy vouching for 20 000 distinct
 * clients (at most MAX_LOCAL_KEYS counted in memory; one row each in the database until their window
 * ends, then swept).
 */
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { freshDatabaseUrl } from "../test/support/database.js";
import { startServerProcess, type ServerProcess } from "../test/support/process.js";
import { writeProducts } from "../test/support/server.js";
import { MAX_LOCAL_KEYS, RelayLimits } from "../core/kinds/license/relay/limits.js";
import { WINDOWS_TABLE } from "../core/kinds/license/relay/windows.js";
import { parseTrustedProxies } from "../core/serving/client-address.js";
import { testDatabaseKind } from "../test/support/database.js";
import { LICENSE_ENV, licenseYaml, RecordingLicenseAdapter } from "../test/support/license.js";
import { startServer, type TestServer } from "../test/support/server.js";
import { figures } from "./support/figures.js";
import { testNumber } from "../test/support/environment.js";

const TOTAL = testNumber("KOOGATE_FLOOD_REQUESTS", 20_000);
const CONCURRENCY = 32;
const MB = (n: number) => (n / 1024 / 1024).toFixed(0);

/** Sends TOTAL relay requests, CONCURRENCY at a time, the i-th with `xff(i)`; answers the statuses seen. */
async function flood(url: string, xff: (i: number) => string): Promise<{ statuses: Map<number, number>; elapsedMs: number }> {
  const statuses = new Map<number, number>();
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < TOTAL) {
        const res = await fetch(`${url}/licenses/flood/check`, { method: "POST", body: "{}", headers: { "x-forwarded-for": xff(next++) } });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    }),
  );
  figures.requests += TOTAL;
  return { statuses, elapsedMs: performance.now() - t0 };
}

/** A process's resident memory, from /proc (Linux). */
const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) * 1024;

describe(`a flood of ${TOTAL} relay requests with a new 8 KB X-Forwarded-For each, from a caller koogate does not trust (${testDatabaseKind})`, function () {
  this.timeout(300_000);
  let server: ServerProcess;
  before(async () => {
    const productsDir = writeProducts({ "flood.yaml": licenseYaml("flood", "code").replace("RecordingLicenseAdapter", "DemoLicenseAdapter") });
    server = await startServerProcess({ databaseUrl: await freshDatabaseUrl(), productsDir, env: LICENSE_ENV });
  });
  after(() => server?.kill());

  it("counts them as one client: 60 answered, the rest refused 429, the server's memory flat", async () => {
    const pid = server.child.pid!;
    const rssBefore = rssOf(pid);
    const filler = "x".repeat(8000);
    const { statuses, elapsedMs } = await flood(server.url, (i) => `${filler}-${i}`);
    const rssAfter = rssOf(pid);
    console.log(
      `\n  relay flood (untrusted caller): ${TOTAL} requests in ${(elapsedMs / 1000).toFixed(1)} s, statuses ${JSON.stringify(Object.fromEntries(statuses))}; ` +
        `server RSS ${MB(rssBefore)} → ${MB(rssAfter)} MB (issue 24 measured 95 → 281 MB on the old main)`,
    );
    // the window may turn once during the flood: 60 more then
    expect(statuses.get(400)).to.be.oneOf([60, 120]);
    expect(statuses.get(429)).to.equal(TOTAL - statuses.get(400)!);
  });
});

describe(`a flood of ${TOTAL} relay requests from a trusted proxy, each for a distinct client (${testDatabaseKind})`, function () {
  this.timeout(300_000);
  let s: TestServer;
  const clock = { t: Date.now(), now() { return this.t; } };
  before(async () => {
    s = await startServer({
      products: { "flood.yaml": licenseYaml("flood", "code") },
      adapters: [RecordingLicenseAdapter],
      env: LICENSE_ENV,
      clock,
      config: { trustedProxies: parseTrustedProxies("127.0.0.1, ::1") },
    });
  });
  after(() => s.close());

  it("counts at most MAX_LOCAL_KEYS clients in memory and drops their rows once the window ended", async () => {
    const limits = s.koogate.container.resolve(RelayLimits);
    const rows = async () => Number((await s.koogate.db(WINDOWS_TABLE).count({ n: "*" }).first())?.n);
    const { statuses, elapsedMs } = await flood(s.url, (i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    const rowsDuring = await rows();
    const keys = limits.local.size;
    // the window ends: the next request sweeps the ended rows
    clock.t += 2 * 60_000;
    await fetch(`${s.url}/licenses/flood/check`, { method: "POST", body: "{}" });
    const rowsAfter = await rows();
    console.log(
      `\n  relay flood (trusted proxy, distinct clients): ${TOTAL} requests in ${(elapsedMs / 1000).toFixed(1)} s, statuses ${JSON.stringify(Object.fromEntries(statuses))}; ` +
        `${keys} keys in memory (bound ${MAX_LOCAL_KEYS}); ${rowsDuring} window rows, ${rowsAfter} once the window ended`,
    );
    expect(statuses.get(400)).to.equal(TOTAL);
    expect(keys).to.equal(Math.min(TOTAL, MAX_LOCAL_KEYS));
    expect(rowsDuring).to.equal(TOTAL);
    expect(rowsAfter).to.equal(1);
  });
});
