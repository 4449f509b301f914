/**
 * The API case of `npm run bench`: an APIG-signed call (SDK-HMAC-SHA256, docs/marketplace/api-image-openapi.md
 * §6.3) through koogate — verify, the per-buyer limit, the call log, proxy to the upstream — against, in
 * the same run, (a3) a bare Node proxy in front of the same upstream (bench/servers/bare-proxy.ts: the
 * least any proxy costs) and the upstream called directly.
 * Targets (issue 21): through koogate ≥ 80 % of (a3)'s req/s, and p50 no more than 2 ms above (a3)'s.
 * Every request koogate sees is signed once (a unique signed `x-request-id`): a replayed APIG signature
 * is refused, so requests are never cycled through koogate.
 */
import autocannon from "autocannon";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createLogger } from "../core/logger.js";
import { readSettings, withServer } from "../core/settings/index.js";
import { signApigRequest } from "../core/signing/apig.js";
import { createKoogate } from "../server/composition.js";

export const BENCH_APIG = { key: "bench-apig-key", secret: "bench-apig-secret-0123456789" };

export interface ApiCaseResult {
  label: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** requests signed during the load because the prepared pool ran out */
  signedOnTheFly?: number;
  /** CPU time the server process (all its threads) spent per answered request, ms; steadier than req/s on a shared machine */
  cpuMsPerCall?: number;
}

/** CPU time `pid` has used so far (user + system, every thread), in ms, from /proc. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
  // fields 14 and 15 of stat(5) (utime, stime), in clock ticks of 10 ms
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Writes the API listing the koogate child serves, forwarding to `upstreamPort`; its per-buyer limit is counted on every call but never reached. */
export function writeApiProduct(productsDir: string, upstreamPort: number): void {
  writeFileSync(
    join(productsDir, "bench-api.yaml"),
    ["id: bench-api", "name: Benchmark API", "kind: api", "auth: apig-signature", "gatewayKeys:", "  - { key: BENCH_APIG_KEY, secret: BENCH_APIG_SECRET }", `upstream: http://127.0.0.1:${upstreamPort}`, "rateLimit: { requests: 1000000, perSeconds: 60 }", ""].join("\n"),
  );
}

/** signed requests prepared before the load; past them, requests are signed on the fly (and counted) */
const API_POOL = 60_000;
const BUYERS = 64;

/**
 * Runs autocannon with APIG-signed POSTs to `path` on `port`, each signed once (`signHost` names the
 * host the signature covers: koogate's). Where nothing checks signatures (the upstream, the bare proxy)
 * the same requests are simply sent.
 */
export async function loadApi(label: string, port: number, path: string, opts: { seconds: number; connections: number; signHost?: number; pid?: number }): Promise<ApiCaseResult> {
  const body = JSON.stringify({ text: "the cat saw the dog" });
  const url = `http://127.0.0.1:${opts.signHost ?? port}${path}`;
  const date = new Date();
  const make = (i: number) => {
    const headers = { "content-type": "application/json", "x-customer-id": `buyer-${i % BUYERS}`, "x-request-id": `bench-${i}` };
    const signed = signApigRequest({ method: "POST", url, headers, body, ak: BENCH_APIG.key, sk: BENCH_APIG.secret, date });
    return { ...headers, "x-sdk-date": signed["X-Sdk-Date"], authorization: signed.Authorization };
  };
  const pool = Array.from({ length: API_POOL }, (_, i) => make(i));
  let next = 0;
  let signedOnTheFly = 0;
  const cpu0 = opts.pid === undefined ? 0 : cpuMs(opts.pid);
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: opts.connections,
    duration: opts.seconds,
    requests: [
      {
        method: "POST",
        path,
        body,
        setupRequest: (req) => {
          const i = next++;
          let headers = pool[i];
          if (!headers) {
            signedOnTheFly++;
            headers = make(i);
          }
          return { ...req, headers };
        },
      },
    ],
  });
  const cpuMsPerCall = opts.pid === undefined ? undefined : (cpuMs(opts.pid) - cpu0) / Math.max(1, result.requests.total);
  return { label, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors + result.timeouts, signedOnTheFly, cpuMsPerCall };
}

export function printApi(direct: ApiCaseResult, bareProxy: ApiCaseResult, through: ApiCaseResult): void {
  console.log("\nAPI case (issue 21): APIG-signed POST, 64-byte JSON answer, every request signed once");
  for (const x of [direct, bareProxy, through]) {
    console.log(
      `  ${x.label.padEnd(48)} ${x.rps.toFixed(0).padStart(7)} req/s  p50 ${x.p50} ms  p99 ${x.p99} ms${x.cpuMsPerCall === undefined ? "" : `  CPU ${x.cpuMsPerCall.toFixed(3)} ms/call`}${x.non2xx ? `  non2xx:${x.non2xx}` : ""}${x.errors ? `  errors:${x.errors}` : ""}${x.signedOnTheFly ? `  (signed on the fly: ${x.signedOnTheFly})` : ""}`,
    );
  }
  const ratio = (100 * through.rps) / bareProxy.rps;
  const added = through.p50 - bareProxy.p50;
  console.log(`  koogate against the upstream called directly: ${((100 * through.rps) / direct.rps).toFixed(0)} % of its req/s, p50 +${(through.p50 - direct.p50).toFixed(2)} ms`);
  console.log(`  ${ratio >= 80 ? "met    " : "NOT met"}  through koogate ≥ 80 % of (a3)'s req/s: ${ratio.toFixed(0)} %`);
  console.log(`  ${added <= 2 ? "met    " : "NOT met"}  p50 no more than 2 ms above (a3)'s: ${added >= 0 ? "+" : ""}${added.toFixed(2)} ms`);
}

/**
 * Statements per API call (knex 'query' events, koogate in-process on SQLite, an in-process upstream):
 * 20 calls one after another, then 64 at once; what the calls sent together share shows in the second.
 * The call log's rows are written after the answers, so each measure waits for the log to be flushed.
 */
export async function countApiStatements(sqliteFile: string, productsDir: string): Promise<string[]> {
  const answer = Buffer.from(JSON.stringify({ ok: true }));
  const upstream = createServer((req, res) => void req.resume().on("end", () => res.end(answer)));
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  writeApiProduct(productsDir, (upstream.address() as AddressInfo).port);
  const settings = readSettings({ BENCH_APIG_KEY: BENCH_APIG.key, BENCH_APIG_SECRET: BENCH_APIG.secret });
  const koogate = await createKoogate({ settings: withServer(settings, { databaseUrl: `sqlite:${sqliteFile}`, productsDir, port: 0 }), logger: createLogger({ level: "silent" }) });
  const server = await koogate.listen(0, "127.0.0.1");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/bench-api/v1/stats`;
  const body = JSON.stringify({ text: "the cat saw the dog" });
  let n = 0;
  const call = async () => {
    const headers = { "content-type": "application/json", "x-customer-id": `buyer-${n % BUYERS}`, "x-request-id": `count-${n++}` };
    const signed = signApigRequest({ method: "POST", url, headers, body, ak: BENCH_APIG.key, sk: BENCH_APIG.secret });
    const res = await fetch(url, { method: "POST", body, headers: { ...headers, "x-sdk-date": signed["X-Sdk-Date"], authorization: signed.Authorization } });
    await res.arrayBuffer();
  };
  let sql = 0;
  koogate.db.on("query", () => sql++);
  const measure = async (calls: number, work: () => Promise<unknown>) => {
    sql = 0;
    await work();
    await new Promise((r) => setTimeout(r, 100)); // the call log's rows, written just after the answers
    return sql / calls;
  };
  const lone = await measure(20, async () => {
    for (let i = 0; i < 20; i++) await call();
  });
  const together = await measure(64, () => Promise.all(Array.from({ length: 64 }, call)));
  await koogate.close();
  await new Promise<void>((r) => upstream.close(() => r()));
  return [`API call (signature claimed, limit counted, call logged): ${lone.toFixed(1)} statements for a lone call, ${together.toFixed(2)} per call with 64 at once`];
}
