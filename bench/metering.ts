/**
 * The metering case of `npm run bench` (issue 12): records per second through record → push →
 * acknowledged by the local marketplace, against a floor of raw inserts into the same table. Runs
 * koogate in this process (the records are recorded through its public API, as a merchant's code
 * would), with the local marketplace on loopback.
 */
import { join } from "node:path";
import { mkdirSync, writeFileSync } from "node:fs";
import { readSettings, withServer } from "../core/settings/index.js";
import { createLogger } from "../core/logger.js";
import { USAGE_TABLE } from "../core/metering/store.js";
import { createDatabase } from "../core/store/database.js";
import { INSTANCES_TABLE, InstanceStore } from "../core/store/instances.js";
import { createKoogate } from "../server/composition.js";
import { DEV_MARKETPLACE_AK, DEV_MARKETPLACE_SK } from "../sim/marketplace/dev-keys.js";
import { startLocalMarketplace } from "../sim/marketplace/server.js";
import { BenchSaasAdapter } from "./bench-adapter.js";
import { BENCH_KEY } from "./product.js";

export interface MeteringResult {
  records: number;
  floorPerSecond: number;
  perSecond: number;
  pushes: number;
}

const INSTANCES = 100;
const CONCURRENT = 64;

/** Runs `n` jobs, `CONCURRENT` at a time. */
async function inParallel(n: number, job: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENT }, async () => {
    while (next < n) await job(next++);
  }));
}

export async function meteringCase(dir: string, records: number): Promise<MeteringResult> {
  const market = await startLocalMarketplace({ ak: DEV_MARKETPLACE_AK, sk: DEV_MARKETPLACE_SK });
  market.state.setUsageKey("bench-metered", BENCH_KEY);
  const products = join(dir, "products-metering");
  mkdirSync(products);
  writeFileSync(
    join(products, "bench-metered.yaml"),
    ["id: bench-metered", "name: Benchmark metered product", "kind: saas", "adapter: BenchSaasAdapter", "keys:", "  basic: [BENCH_BASIC_KEY]", "metering: { enabled: true, period: hour }", ""].join("\n"),
  );
  // pushes only when the case asks (flushNow), so the figure is the case's own
  const settings = readSettings({ BENCH_BASIC_KEY: BENCH_KEY, KOOGATE_MARKETPLACE_URL: market.url, KOOGATE_MARKETPLACE_AK: DEV_MARKETPLACE_AK, KOOGATE_MARKETPLACE_SK: DEV_MARKETPLACE_SK });
  const databaseUrl = `sqlite:${join(dir, "metering.sqlite")}`;
  const koogate = await createKoogate({
    settings: withServer(settings, { databaseUrl, productsDir: products, port: 0, usageFlushSeconds: 86_400 }),
    logger: createLogger({ level: "silent" }),
    adapters: [BenchSaasAdapter],
  });
  const db = koogate.db;
  const now = Math.floor(Date.now() / 60_000) * 60_000;
  await db(INSTANCES_TABLE).insert(
    Array.from({ length: INSTANCES }, (_, i) =>
      InstanceStore.toRow({ productId: "bench-metered", instanceId: `m-${i}`, orderId: `M${i}`, orderLineId: `M${i}-1`, businessId: `m-${i}`, state: "active", expireAt: null, marketplaceProductId: null, test: false, appInfoSealed: null, createdAt: now, updatedAt: now }),
    ),
  );
  // record j: instance j % 100, a one-minute window going back in time per round of instances
  const window = (j: number) => ({ instanceId: `m-${j % INSTANCES}`, begin: new Date(now - (Math.floor(j / INSTANCES) + 1) * 60_000), end: new Date(now - Math.floor(j / INSTANCES) * 60_000) });

  // the floor: one raw insert per record into the same table, through knex as it comes (its own connection)
  const floorDb = createDatabase(databaseUrl, { keepStatements: false });
  let t0 = performance.now();
  await inParallel(records, (j) =>
    floorDb(USAGE_TABLE).insert({ product_id: "floor", instance_id: window(j).instanceId, metering_sn: `floor-${j}`, begin_at: window(j).begin.getTime(), end_at: window(j).end.getTime(), record_time: "20261130000000", usage_value: "1.5", source: "api", state: "pending", push_attempts: 0, created_at: now }),
  );
  const floorPerSecond = records / ((performance.now() - t0) / 1000);
  await floorDb.destroy();
  await db(USAGE_TABLE).where({ product_id: "floor" }).delete();

  // record → push → acknowledged
  t0 = performance.now();
  await inParallel(records, (j) => koogate.metering.record("bench-metered", { ...window(j), value: 1.5 }));
  const schedule = koogate.container.resolve((await import("../core/metering/schedule.js")).UsageSchedule);
  const until = Date.now() + 120_000;
  const pushed = async () => Number(((await db(USAGE_TABLE).where({ product_id: "bench-metered", state: "pushed" }).count({ n: "*" })) as Array<{ n: number | string }>)[0]!.n);
  while ((await pushed()) < records) {
    if (Date.now() > until) throw new Error("the metering case did not see every record acknowledged within 120 s");
    await schedule.flushNow("bench-metered");
    await new Promise((r) => setTimeout(r, 20));
  }
  const perSecond = records / ((performance.now() - t0) / 1000);
  const pushes = market.state.calls.filter((c) => c.path.includes("usage") || c.path.includes("metering")).length;
  await koogate.close();
  await market.close();
  if (new Set(market.state.usage.map((u) => u.metering_sn)).size !== records) {
    throw new Error(`the local marketplace holds ${market.state.usage.length} records, not ${records} distinct ones`);
  }
  return { records, floorPerSecond, perSecond, pushes };
}
