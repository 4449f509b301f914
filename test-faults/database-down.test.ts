import { expect } from "chai";
import { freshDatabaseUrl, testDatabaseKind } from "../test/support/database.js";
import { startServer, type TestServer } from "../test/support/server.js";
import { figures } from "./support/figures.js";
import { startTcpProxy, type TcpProxy } from "./support/tcp-proxy.js";

/** The marketplace gives every call 5 s (docs/marketplace/saas.md §1): an answer later than that is a failed call. */
const DEADLINE_MS = 5000;

let n = 0;
const order = () => {
  n++;
  return { activity: "newInstance", orderId: `DOWN-${n}`, orderLineId: `DOWN-${n}-1`, businessId: `biz-down-${n}` };
};

/** Sends `body` and measures how long the answer took. */
async function timed(s: TestServer, body: object) {
  const t0 = performance.now();
  figures.requests++;
  const r = await s.send(body, { signal: AbortSignal.timeout(DEADLINE_MS + 5000) });
  if (r.status >= 500) figures.fiveHundreds++;
  return { ...r, ms: performance.now() - t0 };
}

/** Resends `body` until it is answered 000000, for up to `tries` times, a moment apart. */
async function untilSuccess(s: TestServer, body: () => object, tries = 40) {
  let last: Awaited<ReturnType<typeof timed>> | undefined;
  for (let i = 0; i < tries; i++) {
    last = await timed(s, body());
    if (last.json.resultCode === "000000") return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  return last!;
}

describe(`the database unreachable for a while (${testDatabaseKind})`, function () {
  let s: TestServer;
  let proxy: TcpProxy | undefined;
  /** makes the database unreachable; `restore` brings it back */
  let cut: (mode: "refuse" | "blackhole") => Promise<void>;
  let restore: () => Promise<void>;

  before(async () => {
    const url = await freshDatabaseUrl();
    if (testDatabaseKind === "postgres") {
      const target = new URL(url);
      proxy = await startTcpProxy(Number(target.port), target.hostname);
      target.port = String(proxy.port);
      s = await startServer({ databaseUrl: target.toString() });
      cut = async (mode) => proxy!.cut(mode);
      restore = async () => proxy!.restore();
    } else {
      // SQLite has no network to lose: closing the pool under the running server is the nearest fault
      s = await startServer({ databaseUrl: url });
      cut = () => s.koogate.db.destroy();
      restore = async () => {
        if (!s.koogate.db.client.pool) s.koogate.db.initialize();
      };
    }
  });
  after(async () => {
    await restore?.();
    await s?.close();
    await proxy?.close();
  });

  for (const mode of testDatabaseKind === "postgres" ? (["refuse", "blackhole"] as const) : (["refuse"] as const)) {
    describe(mode === "refuse" ? "connections refused (the database stopped)" : "packets lost (the network to the database gone)", () => {
      const failedOrder = order();

      it("answers 000005 within the deadline while the database is away, and stays up", async () => {
        expect((await timed(s, order())).json.resultCode, "before the cut").to.equal("000000");
        await cut(mode);
        figures.faults++;
        const replies = [
          await timed(s, failedOrder),
          await timed(s, { activity: "queryInstance", instanceId: "biz-down-1" }),
          await timed(s, order()),
        ];
        expect(replies.map((r) => [r.status, r.json.resultCode])).to.deep.equal([
          [200, "000005"],
          [200, "000005"],
          [200, "000005"],
        ]);
        const slowest = Math.max(...replies.map((r) => r.ms));
        console.log(`      (slowest answer while the database was away: ${Math.round(slowest)} ms)`);
        expect(slowest, "every answer inside the marketplace's 5 s").to.be.below(DEADLINE_MS);
        expect((await fetch(`${s.url}/healthz`)).status).to.equal(200);
      });

      it("serves again once the database is back, and a resend of the failed order makes its instance", async () => {
        await restore();
        const r = await untilSuccess(s, () => ({ ...failedOrder, businessId: `${failedOrder.businessId}-resent-${Date.now()}` }));
        expect(r.json.resultCode).to.equal("000000");
        const rows = await s.koogate.db("koogate_instances").where({ order_id: failedOrder.orderId }).pluck("instance_id");
        expect(rows).to.deep.equal([r.json.instanceId]);
      });
    });
  }
});
