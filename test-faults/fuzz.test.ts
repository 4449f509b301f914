import { expect } from "chai";
import net from "node:net";
import { TEST_KEY } from "../test/support/client.js";
import { testDatabaseKind } from "../test/support/database.js";
import { startServer, type TestServer } from "../test/support/server.js";
import { figures } from "./support/figures.js";
import { MutantFactory, seeded, type Mutant } from "./support/mutants.js";
import { testNumber } from "../test/support/environment.js";

const TOTAL = testNumber("KOOGATE_FUZZ_REQUESTS", 10_000);
const SEED = testNumber("KOOGATE_FUZZ_SEED", 20261124);
const CONCURRENCY = 16;

/** Malformed HTTP sent on a raw socket: the parser must refuse it without a 5xx or a crash. */
const RAW_GARBAGE = [
  "GARBAGE\r\n\r\n",
  "POST /produce/test-saas HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{}",
  "POST /produce/test-saas HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nbad\r\n0\r\n\r\n",
  "POST /produce/test-saas HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n{}",
  "POST /produce/test-saas HTTP/9.9\r\n\r\n",
  `POST /produce/${"a".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
];

type Row = Record<string, unknown>;

async function snapshot(s: TestServer): Promise<Map<string, string>> {
  const rows: Row[] = await s.koogate.db("koogate_instances").select("*");
  return new Map(rows.map((r) => [`${r.product_id}/${r.instance_id}`, JSON.stringify(r)]));
}

/** Sends raw bytes; resolves with the status line's code (0 when the server just closed). */
function sendRaw(port: number, text: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    let got = "";
    socket.setTimeout(2000, () => socket.destroy());
    socket.on("data", (d) => (got += d.toString("latin1")));
    socket.on("error", () => undefined);
    socket.on("close", () => resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(got)?.[1] ?? 0)));
    socket.end(text);
  });
}

describe(`${TOTAL} mutated requests (${testDatabaseKind}, seed ${SEED})`, function () {
  let s: TestServer;
  const seededIds: string[] = [];

  before(async () => {
    s = await startServer();
    for (let i = 0; i < 20; i++) {
      const r = await s.send({ activity: "newInstance", orderId: `SEED-${i}`, orderLineId: `SEED-${i}-1`, businessId: `biz-seed-${i}` });
      seededIds.push(String(r.json.instanceId));
    }
  });
  after(() => s.close());

  it("get no 5xx, leave the server up, and change no row through a refused request", async () => {
    const before = await snapshot(s);
    const factory = new MutantFactory(seeded(SEED), { key: TEST_KEY, product: "test-saas", instanceIds: seededIds });
    const statuses = new Map<number, number>();
    const codes = new Map<string, number>();
    const kinds = new Map<string, number>();
    /** instances an accepted (000000) request may have changed or made */
    const touched = new Set<string>();
    const problems: string[] = [];
    let sent = 0;
    const t0 = performance.now();

    const one = async (m: Mutant) => {
      let status: number;
      let text = "";
      try {
        const res = await fetch(`${s.url}${m.path}`, {
          method: m.method,
          headers: m.headers,
          body: m.method === "GET" || m.method === "HEAD" ? undefined : new Uint8Array(m.body),
          signal: AbortSignal.timeout(15_000),
        });
        status = res.status;
        text = await res.text();
      } catch (e) {
        status = -1;
        if (problems.length < 10) problems.push(`${m.kind} ${m.method} ${m.path.slice(0, 80)}: ${(e as Error).message} ${String((e as { cause?: unknown }).cause ?? "")}`);
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      kinds.set(m.kind, (kinds.get(m.kind) ?? 0) + 1);
      if (status >= 500) figures.fiveHundreds++;
      let reply: Row = {};
      try {
        reply = JSON.parse(text) as Row;
      } catch {
        // not JSON (a 404 from the router is JSON too; anything else is counted by status)
      }
      const code = String(reply.resultCode ?? `http ${status}`);
      codes.set(code, (codes.get(code) ?? 0) + 1);
      if (code === "000000") {
        const product = m.path.split("?")[0]!.split("/")[2];
        if (typeof reply.instanceId === "string") touched.add(`${product}/${reply.instanceId}`);
        if (typeof m.parsed?.instanceId === "string") touched.add(`${product}/${m.parsed.instanceId}`);
      }
    };

    const workers = Array.from({ length: CONCURRENCY }, async () => {
      while (sent < TOTAL) {
        sent++;
        if (sent % 500 === 0) {
          const status = await sendRaw(Number(new URL(s.url).port), RAW_GARBAGE[(sent / 500) % RAW_GARBAGE.length]!);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          kinds.set("raw http", (kinds.get("raw http") ?? 0) + 1);
          if (status >= 500) figures.fiveHundreds++;
          continue;
        }
        await one(factory.next());
      }
    });
    await Promise.all(workers);
    const seconds = (performance.now() - t0) / 1000;
    figures.requests += TOTAL;
    figures.faults += TOTAL - (kinds.get("valid") ?? 0);

    const after = await snapshot(s);
    let lost = 0;
    let changedByRefused = 0;
    for (const [id, row] of before) if (!after.has(id)) lost++;
    for (const [id, row] of after) if (before.get(id) !== row && !touched.has(id)) changedByRefused++;
    figures.rowsLost += lost;
    figures.rowsChangedByRefused += changedByRefused;

    const fmt = (m: Map<unknown, number>) => [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}: ${v}`).join(", ");
    console.log(`      (${TOTAL} requests in ${seconds.toFixed(1)} s, ${Math.round(TOTAL / seconds)}/s)`);
    console.log(`      (kinds ${fmt(kinds)})`);
    console.log(`      (HTTP ${fmt(statuses)})`);
    console.log(`      (resultCode ${fmt(codes)})`);
    console.log(`      (instances: ${before.size} before, ${after.size} after, ${touched.size} touched by accepted calls)`);
    expect(problems, "requests the server did not answer").to.deep.equal([]);
    expect([...statuses.keys()].filter((st) => st >= 500), "5xx statuses").to.deep.equal([]);
    expect(lost, "rows lost").to.equal(0);
    expect(changedByRefused, "rows changed by a refused request").to.equal(0);
    expect((await fetch(`${s.url}/healthz`)).status, "the server is still up").to.equal(200);
    expect(codes.get("000000") ?? 0, "some mutants were still valid calls").to.be.greaterThan(0);
  });
});
