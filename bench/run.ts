/**
 * `npm run bench`: loopback, 64 connections, every request freshly signed with a unique nonce
 * (pre-generated before each case). Each server runs in its own process; its RSS is sampled from /proc.
 *
 *   (a)  bare Koa, same JSON in and out                       bench/servers/bare-koa.ts
 *   (a2) the floor: signature + one knex insert / select + Body-Sign      bench/servers/floor.ts
 *   (b)  koogate queryInstance          (c) koogate newInstance, fresh orders
 *   (d)  koogate newInstance resends (the replay path: same order, fresh nonce and businessId)
 *   API: an APIG-signed call through koogate (verify + limit + log + proxy) against (a3) a bare Node proxy
 *        in front of the same upstream and the upstream called directly                    bench/api.ts
 *   (e)  koogate licence relay `check`, answered from the day's cache (docs/marketplace/license.md §2.3), against the local marketplace
 *
 * Settings: KOOGATE_BENCH_SECONDS (default 8), KOOGATE_BENCH_CONNECTIONS (default 64), KOOGATE_BENCH_ONLY=api
 * (only the API case).
 * Targets (issue 21, printed with met / NOT met): (c) ≥ 100 % of the insert floor; (b), (d) and (e) ≥ 150 %
 * of the select floor (a cached relay check needs no statement); metering ≥ 100 % of raw inserts; p99
 * of (b), (c), (d) < 50 ms or no worse than the floor's own p99; peak RSS < 150 MB; the API path ≥ 80 %
 * of (a3)'s req/s with p50 no more than 2 ms above (a3)'s.
 * Issue 15: under a further load of (b), `/readyz` is polled every 10 ms from another process; its p99 must stay < 5 ms.
 * KOOGATE_BENCH_PROFILE=<dir> makes every server write a V8 CPU profile there.
 * Metering (issue 12): records/s through record → push → acknowledged against raw inserts into the same table (bench/metering.ts).
 * Workers (issue 20): (c) against `koogate serve --workers 1` and `--workers 2` on a throwaway PostgreSQL
 * (bench/workers.ts), skipped with the reason when there is none; KOOGATE_BENCH_ONLY=workers runs it alone.
 */
import "reflect-metadata";
import autocannon from "autocannon";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { signBasicRequest } from "../core/signing/basic.js";
import { countStatements } from "./statements.js";
import { DEV_MARKETPLACE_AK, DEV_MARKETPLACE_SK } from "../sim/marketplace/dev-keys.js";
import { startLocalMarketplace } from "../sim/marketplace/server.js";
import { BENCH_KEY, BENCH_LICENSE_KEY, BENCH_LICENSE_YAML, BENCH_PRODUCT_YAML } from "./product.js";
import { BENCH_APIG, countApiStatements, loadApi, printApi, writeApiProduct, type ApiCaseResult } from "./api.js";
import { meteringCase } from "./metering.js";
import { serveWorkers, startPostgres } from "./workers.js";
import { freshPostgresDatabase } from "../testing/database.js";
import { processEnvironment } from "../core/settings/environment.js";
import { benchSettings } from "../core/settings/tools.js";

const BENCH = benchSettings();

const SECONDS = BENCH.seconds;
/** records of the metering case (KOOGATE_BENCH_METERING_RECORDS) */
const METERING_RECORDS = BENCH.meteringRecords;
const CONNECTIONS = BENCH.connections;
/** signed requests prepared per case; past them, requests are signed on the fly (and counted) */
const POOL = 60_000;

interface Prepared {
  path: string;
  body: string;
}

interface CaseResult {
  name: string;
  label: string;
  rps: number;
  p50: number;
  p99: number;
  rssMb: number;
  requests: number;
  non2xx: number;
  errors: number;
  codes: Map<string, number>;
  signedOnTheFly: number;
}

interface Running {
  child: ChildProcess;
  port: number;
}

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

async function startChild(script: string, args: string[], env: Record<string, string> = {}): Promise<Running> {
  // KOOGATE_BENCH_PROFILE=<dir>: every server writes a V8 CPU profile there when it stops
  const profile = BENCH.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${BENCH.profileDir}`] : [];
  const child = spawn(process.execPath, [...profile, here(script), ...args], {
    env: { ...processEnvironment(), BENCH_BASIC_KEY: BENCH_KEY, BENCH_KIT_KEY: "bench-kit-key", BENCH_APIG_KEY: BENCH_APIG.key, BENCH_APIG_SECRET: BENCH_APIG.secret, BENCH_LICENSE_KEY, KOOGATE_LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "ignore"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = "";
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      const m = /\{"port":(\d+)\}/.exec(buf);
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code} before listening`)));
  });
  return { child, port };
}

async function stopChild(r: Running): Promise<void> {
  const exited = new Promise((resolve) => r.child.once("exit", resolve));
  r.child.kill("SIGTERM");
  await exited;
}

/** The resident memory of `pid` and of its children (the workers of `koogate serve --workers`), in MB. */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // the process has just ended
  }
  return (m ? Number(m[1]) / 1024 : 0) + children.reduce((sum, c) => sum + rssMb(c), 0);
}

function sign(product: string, body: object): Prepared {
  const text = JSON.stringify(body);
  return { path: `/produce/${product}?${signBasicRequest({ accessKey: BENCH_KEY, body: text }).query}`, body: text };
}

/** Runs autocannon against `r` with requests from `make(i)`, i counting from 0; samples the server's RSS. */
async function load(name: string, label: string, r: Running, make: (i: number) => object, opts: { cycle?: boolean; unsigned?: (i: number) => Prepared } = {}): Promise<CaseResult> {
  const product = "bench";
  const pool: Prepared[] = [];
  for (let i = 0; i < POOL; i++) pool.push(opts.unsigned ? opts.unsigned(i) : sign(product, make(i)));
  let next = 0;
  let signedOnTheFly = 0;
  const codes = new Map<string, number>();
  let peakRss = rssMb(r.child.pid!);
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssMb(r.child.pid!));
  }, 200);
  const result = await autocannon({
    url: `http://127.0.0.1:${r.port}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [
      {
        method: "POST",
        setupRequest: (req) => {
          const i = next++;
          // (a) checks no nonce: it may reuse the prepared requests instead of signing more
          let p = opts.cycle ? pool[i % POOL] : pool[i];
          if (!p) {
            signedOnTheFly++;
            p = sign(product, make(i));
          }
          return { ...req, method: "POST", path: p.path, body: p.body, headers: { "content-type": "application/json;charset=utf8" } };
        },
        onResponse: (_status, body) => {
          const code = /"resultCode":"(\d{6})"/.exec(body)?.[1] ?? /"status":"([A-Z]+)"/.exec(body)?.[1] ?? "none";
          codes.set(code, (codes.get(code) ?? 0) + 1);
        },
      },
    ],
  });
  clearInterval(sampler);
  peakRss = Math.max(peakRss, rssMb(r.child.pid!));
  return {
    name,
    label,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    rssMb: peakRss,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    codes,
    signedOnTheFly,
  };
}

/** GETs `path` every `everyMs` until `stop` is set; resolves to each answer's latency in ms. */
/**
 * Polls `path` every `everyMs` from a process of its own (so the load generator's event loop does not
 * delay the answers it times, nor the poller slow the load) until `stop()`; resolves with the latencies.
 */
function pollLatency(port: number, path: string, everyMs: number): { stop(): Promise<number[]> } {
  const script = `const ms=[];let on=true;process.on("SIGTERM",()=>{on=false});(async()=>{while(on){const t=performance.now();const r=await fetch("http://127.0.0.1:${port}${path}");await r.arrayBuffer();ms.push(performance.now()-t);await new Promise(r=>setTimeout(r,${everyMs}))}process.stdout.write(JSON.stringify(ms))})()`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "ignore"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    async stop() {
      child.kill("SIGTERM");
      await exited;
      return JSON.parse(out || "[]") as number[];
    },
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "koogate-bench-"));
  const products = join(dir, "products");
  mkdirSync(products);
  writeFileSync(join(products, "bench.yaml"), BENCH_PRODUCT_YAML);
  console.log(`koogate benchmark: loopback, ${CONNECTIONS} connections, ${SECONDS} s per case, node ${process.version}`);
  const results: CaseResult[] = [];
  const run = Date.now();

  let r: Running;
  if (BENCH.only === "api") {
    printApi(...(await apiCase(dir)));
    return printApiStatements(dir);
  }
  if (BENCH.only === "workers") return printWorkers(await workersCase(dir, products, run));

  // (a) bare Koa
  r = await startChild("./servers/bare-koa.js", []);
  results.push(await load("a", "bare Koa (parse JSON, answer)", r, (i) => ({ activity: "newInstance", orderId: `A${i}`, orderLineId: `A${i}-1`, businessId: `a-${run}-${i}` }), { cycle: true }));
  await stopChild(r);

  // (a2) the floor, insert and select
  r = await startChild("./servers/floor.js", ["insert", join(dir, "floor-insert.sqlite")]);
  results.push(await load("a2 insert", "floor: verify + 1 insert + Body-Sign", r, (i) => ({ activity: "newInstance", orderId: `F${i}`, orderLineId: `F${i}-1`, businessId: `f-${run}-${i}` })));
  await stopChild(r);
  r = await startChild("./servers/floor.js", ["select", join(dir, "floor-select.sqlite")]);
  results.push(await load("a2 select", "floor: verify + 1 indexed select + Body-Sign", r, (i) => ({ activity: "queryInstance", instanceId: `seed-${i % 10_000}` })));
  await stopChild(r);

  // (c), then (b) and (d) on the instances (c) made
  r = await startChild("./servers/koogate.js", [join(dir, "koogate.sqlite"), products]);
  const order = (i: number) => ({ activity: "newInstance", orderId: `C${i}`, orderLineId: `C${i}-1`, businessId: `c-${run}-${i}`, testFlag: "0" });
  const c = await load("c", "koogate newInstance (fresh orders)", r, order);
  results.push(c);
  const made = Math.max(1, Math.min(c.codes.get("000000") ?? 0, 10_000));
  results.push(await load("b", "koogate queryInstance", r, (i) => ({ activity: "queryInstance", instanceId: `c-${run}-${i % made}` })));
  results.push(
    await load("d", "koogate newInstance resends", r, (i) => ({ ...order(i % made), businessId: `d-${run}-${i}` })),
  );
  // /readyz under load: (b) once more while another process polls it (not one of the results above,
  // so the polling weighs on no case's ratio)
  const poller = pollLatency(r.port, "/readyz", 10);
  await load("b", "koogate queryInstance, /readyz polled meanwhile", r, (i) => ({ activity: "queryInstance", instanceId: `c-${run}-${i % made}` }));
  const readyMs = await poller.stop();
  await stopChild(r);

  results.push(await relayCheck(dir));

  const api = await apiCase(dir);
  const metering = await meteringCase(dir, METERING_RECORDS);
  const workers = await workersCase(dir, products, run);
  print(results);
  printWorkers(workers);
  printApi(...api);
  const ratio = (100 * metering.perSecond) / metering.floorPerSecond;
  console.log(`\nMetering (issue 12): ${metering.records} records through record → push → acknowledged by the local marketplace`);
  console.log(`  floor: raw inserts into koogate_usage   ${metering.floorPerSecond.toFixed(0)} records/s`);
  console.log(`  recorded, pushed and acknowledged     ${metering.perSecond.toFixed(0)} records/s (${metering.pushes} pushes)`);
  console.log(`  ${ratio >= 100 ? "met    " : "NOT met"}  ≥ 100 % of the raw inserts: ${ratio.toFixed(0)} %`);
  console.log(`\n/readyz under the load of (b), polled every 10 ms by another process: ${readyMs.length} answers, p50 ${percentile(readyMs, 50).toFixed(2)} ms, p99 ${percentile(readyMs, 99).toFixed(2)} ms (target < 5 ms: ${percentile(readyMs, 99) < 5 ? "met" : "NOT met"})`);
  console.log("\nStatements per call (knex 'query' events, koogate in-process, same adapter and database kind):");
  for (const line of await countStatements(join(dir, "count.sqlite"), products)) console.log(`  ${line}`);
  await printApiStatements(dir);
}

async function printApiStatements(dir: string): Promise<void> {
  const products = join(dir, "api-count-products");
  mkdirSync(products);
  for (const line of await countApiStatements(join(dir, "api-count.sqlite"), products)) console.log(`  ${line}`);
}

/** The workers case: (c) with 1 and with 2 workers on PostgreSQL, or why it was skipped. */
async function workersCase(dir: string, products: string, run: number): Promise<CaseResult[] | string> {
  const cluster = startPostgres();
  if (typeof cluster === "string") return cluster;
  try {
    const results: CaseResult[] = [];
    for (const n of [1, 2]) {
      const databaseUrl = await freshPostgresDatabase(cluster.url, `bench_workers_${n}`);
      const r = await serveWorkers(dir, products, databaseUrl, n, { BENCH_BASIC_KEY: BENCH_KEY, BENCH_KIT_KEY: "bench-kit-key" });
      const order = (i: number) => ({ activity: "newInstance", orderId: `W${n}-${i}`, orderLineId: `W${n}-${i}-1`, businessId: `w${n}-${run}-${i}`, testFlag: "0" });
      results.push(await load(`w${n}`, `koogate newInstance (fresh orders), PostgreSQL, --workers ${n}`, r, order));
      await stopChild(r);
    }
    return results;
  } finally {
    cluster.stop();
  }
}

function printWorkers(w: CaseResult[] | string): void {
  console.log("\nWorkers (issue 20): fresh purchases on PostgreSQL, koogate serve --workers 1 and 2");
  if (typeof w === "string") return console.log(`  skipped: ${w}`);
  for (const x of w) {
    const codes = [...x.codes].map(([k, v]) => `${k}:${v}`).join(" ");
    console.log(`  ${x.label.padEnd(66)} ${x.rps.toFixed(0).padStart(6)} req/s  p50 ${x.p50} ms  p99 ${x.p99} ms  RSS ${x.rssMb.toFixed(0)} MB (all processes)  ${codes}${x.errors ? ` errors:${x.errors}` : ""}`);
  }
  const [one, two] = w;
  if (one && two) console.log(`  2 workers / 1 worker: ×${(two.rps / one.rps).toFixed(2)} (the load generator shares the machine's cores)`);
}

/** The API case: the upstream alone, (a3) a bare proxy in front of it, then koogate in front of it (a products folder of its own). */
async function apiCase(dir: string): Promise<[ApiCaseResult, ApiCaseResult, ApiCaseResult]> {
  const up = await startChild("./servers/upstream.js", []);
  const apiProducts = join(dir, "api-products");
  mkdirSync(apiProducts);
  writeApiProduct(apiProducts, up.port);
  const opts = { seconds: SECONDS, connections: CONNECTIONS };
  const direct = await loadApi("upstream called directly", up.port, "/v1/stats", { ...opts, pid: up.child.pid });
  const proxy = await startChild("./servers/bare-proxy.js", [String(up.port)]);
  const bare = await loadApi("(a3) bare Node proxy (pipe, keep-alive)", proxy.port, "/v1/stats", { ...opts, pid: proxy.child.pid });
  await stopChild(proxy);
  const r = await startChild("./servers/koogate.js", [join(dir, "koogate-api.sqlite"), apiProducts]);
  const through = await loadApi("through koogate (verify + limit + log + proxy)", r.port, "/api/bench-api/v1/stats", { ...opts, pid: r.child.pid });
  await stopChild(r);
  await stopChild(up);
  return [direct, bare, through];
}

/** (e): a koogate with one code listing; 200 codes activated and checked once through the relay, then checked from the cache. */
async function relayCheck(dir: string): Promise<CaseResult> {
  const market = await startLocalMarketplace({ ak: DEV_MARKETPLACE_AK, sk: DEV_MARKETPLACE_SK });
  const products = join(dir, "products-relay");
  mkdirSync(products);
  writeFileSync(join(products, "bench-license.yaml"), BENCH_LICENSE_YAML);
  const env = { KOOGATE_MARKETPLACE_URL: market.url, KOOGATE_MARKETPLACE_AK: DEV_MARKETPLACE_AK, KOOGATE_MARKETPLACE_SK: DEV_MARKETPLACE_SK };
  const r = await startChild("./servers/koogate.js", [join(dir, "relay.sqlite"), products], env);
  const codes = Array.from({ length: 200 }, () => market.state.issueLicense().code);
  const path = (action: string) => `/licenses/bench-license/${action}`;
  for (const code of codes) {
    for (const action of ["activate", "check"]) {
      await fetch(`http://127.0.0.1:${r.port}${path(action)}`, { method: "POST", body: JSON.stringify({ license: code }) });
    }
  }
  const queried = market.state.calls.length;
  const result = await load("e", "koogate relay check (cached for the day)", r, () => ({}), { cycle: true, unsigned: (i) => ({ path: path("check"), body: JSON.stringify({ license: codes[i % codes.length] }) }) });
  console.log(`  (e) marketplace calls during the load: ${market.state.calls.length - queried} (cached checks make none)`);
  await stopChild(r);
  await market.close();
  return result;
}

function print(results: CaseResult[]): void {
  const by = (n: string) => results.find((x) => x.name === n)!;
  const a = by("a");
  const floorFor = (n: string) => (n === "c" || n === "a2 insert" ? by("a2 insert") : by("a2 select"));
  console.log("\ncase        req/s   ×(a)    ×(a2)   p50 ms  p99 ms  RSS MB  answers");
  for (const x of results) {
    const floor = x.name.startsWith("a2") || x.name === "a" ? undefined : floorFor(x.name);
    const codes = [...x.codes].map(([k, v]) => `${k}:${v}`).join(" ");
    console.log(
      [
        x.name.padEnd(10),
        x.rps.toFixed(0).padStart(7),
        `${((100 * x.rps) / a.rps).toFixed(0)}%`.padStart(6),
        (floor ? `${((100 * x.rps) / floor.rps).toFixed(0)}%` : "").padStart(7),
        String(x.p50).padStart(7),
        String(x.p99).padStart(7),
        x.rssMb.toFixed(0).padStart(7),
        ` ${codes}${x.non2xx ? ` non2xx:${x.non2xx}` : ""}${x.errors ? ` errors:${x.errors}` : ""}${x.signedOnTheFly ? ` (signed on the fly: ${x.signedOnTheFly})` : ""}`,
      ].join(" "),
    );
  }
  console.log("  (a) " + a.label + "; (a2) the floor for writes / reads; ×(a2) compares (c) with the insert floor, (b), (d) and (e) with the select floor");
  const c = by("c");
  const b = by("b");
  const d = by("d");
  const check = (ok: boolean, what: string) => console.log(`  ${ok ? "met    " : "NOT met"}  ${what}`);
  const insert = by("a2 insert");
  const select = by("a2 select");
  const pct = (x: CaseResult, floor: CaseResult) => `${((100 * x.rps) / floor.rps).toFixed(0)} %`;
  console.log("\nTargets (issue 21):");
  check(c.rps >= insert.rps, `(c) ≥ 100 % of the insert floor: ${pct(c, insert)}`);
  check(b.rps >= 1.5 * select.rps, `(b) ≥ 150 % of the select floor: ${pct(b, select)}`);
  check(d.rps >= 1.5 * select.rps, `(d) ≥ 150 % of the select floor: ${pct(d, select)}`);
  const e = by("e");
  check(e.rps >= 1.5 * select.rps, `(e) relay check (cached) ≥ 150 % of the select floor: ${pct(e, select)}`);
  // p99: under 50 ms, or no worse than the floor's own p99 (the insert floor for (c), the select floor for (b), (d))
  for (const [x, floor] of [[b, select], [c, insert], [d, select]] as const) {
    check(x.p99 < 50 || x.p99 <= floor.p99, `p99 of (${x.name}) < 50 ms or ≤ its floor's ${floor.p99} ms: ${x.p99} ms`);
  }
  const worstRss = Math.max(b.rssMb, c.rssMb, d.rssMb);
  check(worstRss < 150, `RSS < 150 MB: peak ${worstRss.toFixed(0)} MB`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
