/**
 * Times the operator page's database reads on a table of many events (issue 22: "keep the queries
 * cheap and bounded"): the figures of the products table and the charts of the last hour and day.
 *
 *   npm run build && node dist/scripts/measure-ops-queries.js [database-url] [events]
 *
 * Default: a fresh SQLite file and 200 000 events spread over the last 24 h across four listings, with
 * 20 000 outbox jobs and 20 000 usage records. Prints the median of 5 runs of each read, in ms.
 */
import "reflect-metadata";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { allMigrations } from "../core/kernel.js";
import { KINDS } from "../core/kinds/index.js";
import { ActivityReader } from "../core/ops/activity.js";
import { callShares } from "../core/store/call-shares.js";
import { createDatabase } from "../core/store/database.js";
import { migrateLatest } from "../core/store/migrate.js";

const url = process.argv[2] ?? `sqlite:${join(mkdtempSync(join(tmpdir(), "koogate-measure-")), "ops.sqlite")}`;
const events = Number(process.argv[3] ?? 200_000);
const DAY = 86_400_000;
const products = ["a-saas", "b-saas", "c-license", "d-saas"].map((id) => ({ id, kind: id.endsWith("license") ? "license" : "saas" }));

const db = createDatabase(url);
await migrateLatest(db, allMigrations(KINDS));
const now = Date.now();
const rows = (n: number, make: (i: number) => Record<string, unknown>) => Array.from({ length: n }, (_, i) => make(i));
await db.batchInsert(
  "koogate_events",
  rows(events, (i) => ({
    at: now - DAY + Math.floor((i * DAY) / events),
    request_id: `kg.m.${i}`,
    product_id: products[i % 4]!.id,
    activity: "newInstance",
    verdict: i % 50 === 0 ? "failed" : "processed",
    result_code: i % 50 === 0 ? "000005" : "000000",
    response: "{}",
    duration_ms: 5 + (i % 200),
    test: false,
  })),
  100,
);
await db.batchInsert(
  "koogate_jobs",
  rows(20_000, (i) => ({ product_id: products[i % 4]!.id, activity: "newInstance", instance_id: `i${i}`, payload: "{}", state: i % 100 === 0 ? "pending" : "done", attempts: 1, next_attempt_at: 0, lease_until: 0, created_at: now - DAY + i * 4000, updated_at: now - DAY + i * 4000 + 500 })),
  100,
);
await db.batchInsert(
  "koogate_usage",
  rows(20_000, (i) => ({ product_id: products[i % 4]!.id, instance_id: `i${i}`, metering_sn: `sn${i}`, begin_at: 0, end_at: 0, record_time: "x", usage_value: "1", source: "api", state: "pushed", push_attempts: 1, created_at: now - DAY + i * 4000, pushed_at: now - DAY + i * 4000 + 1000 })),
  100,
);
if (url.startsWith("postgres")) await db.raw("ANALYZE");

async function median(name: string, fn: () => Promise<unknown>): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`${name.padEnd(36)} ${times[2]!.toFixed(1).padStart(8)} ms (min ${times[0]!.toFixed(1)}, max ${times[4]!.toFixed(1)})`);
}

console.log(`${url.replace(/\/\/[^@]*@/, "//…@")}: ${events} events, 20000 jobs, 20000 usage records`);
await median("products table (failure share, 1 h)", () => callShares(db, products.map((p) => p.id), now - 3_600_000));
// a fresh reader each time: the first view of a page, nothing kept
await median("charts, last hour (all listings)", () => new ActivityReader(db).read(products, "hour", now));
await median("charts, last day (all listings)", () => new ActivityReader(db).read(products, "day", now));
await median("charts, last day (one listing)", () => new ActivityReader(db).read(products.slice(0, 1), "day", now));
// one reader: the views after the first, settled buckets kept
const reader = new ActivityReader(db);
await reader.read(products, "day", now);
await median("charts, last day, viewed again", () => reader.read(products, "day", now));
await db.destroy();
