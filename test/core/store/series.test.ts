import "reflect-metadata";
import { expect } from "chai";
import type { Knex } from "knex";
import { allMigrations } from "../../../core/kernel.js";
import { KINDS } from "../../../core/kinds/index.js";
import { createDatabase } from "../../../core/store/database.js";
import { EventLog, type EventRecord } from "../../../core/store/events.js";
import { JOBS_TABLE } from "../../../core/store/jobs.js";
import { migrateLatest } from "../../../core/store/migrate.js";
import { API_CALLS } from "../../../core/kinds/api/ops.js";
import { backlogSeries, callSeries, EVENT_CALLS, firstIdFrom, pointOf, quantile, rangeEnding, usageSeries } from "../../../core/store/series.js";
import { freshDatabaseUrl, testDatabaseKind } from "../../support/database.js";
import { plantUsage } from "../../support/planted.js";

const MIN = 60_000;
/** a minute's start: the last hour's range ends with the minute of NOW */
const NOW = 1_790_000_040_000 + 30_000;
const range = rangeEnding(NOW, "hour");

describe(`the operator page's chart figures, read from the database, on ${testDatabaseKind}`, () => {
  let db: Knex;
  beforeEach(async () => {
    db = createDatabase(await freshDatabaseUrl());
    await migrateLatest(db, allMigrations(KINDS));
  });
  afterEach(() => db.destroy());

  const call = (o: Partial<EventRecord>): EventRecord => ({ at: NOW, requestId: "kg.1", productId: "p1", activity: "newInstance", verdict: "processed", resultCode: "000000", response: "{}", durationMs: 7, test: false, ...o });

  it("ends the last hour's 60 one-minute buckets with the minute of now", () => {
    expect(range.buckets).to.equal(60);
    expect(range.from + 59 * MIN).to.be.at.most(NOW).and.above(NOW - MIN);
  });

  it("counts each minute's calls by result: success, refused, failed and answered at the deadline", async () => {
    const log = new EventLog(db);
    await log.append(call({}));
    await log.append(call({ verdict: "rejected", resultCode: "000002" }));
    await log.append(call({ verdict: "failed", resultCode: "000005", detail: "adapter said no" }));
    await log.append(call({ verdict: "failed", resultCode: "000005", detail: "answered 000005 at the 4500 ms deadline; the work goes on" }));
    await log.append(call({ at: NOW - 10 * MIN }));
    await log.append(call({ at: NOW - 61 * MIN }));
    await log.append(call({ productId: "other" }));
    await log.append(call({ requestId: null, activity: "pushUsage", detail: "background attempt 1 succeeded" }));
    const points = (await callSeries(db, [{ source: EVENT_CALLS, products: ["p1"] }], range)).map(pointOf);
    expect(points[59]).to.include({ success: 1, refused: 1, failed: 1, deadline: 1, share: 0.75 });
    expect(points[49]).to.include({ success: 1, refused: 0, failed: 0, deadline: 0, share: 0 });
    expect(points.filter((p) => p.share !== null)).to.have.length(2);
  });

  it("leaves a call refused before authentication out of the failure share, not out of the refusals", async () => {
    await new EventLog(db).append(call({ activity: "", verdict: "rejected", resultCode: "000001" }));
    const [p] = (await callSeries(db, [{ source: EVENT_CALLS, products: ["p1"] }], range)).map(pointOf).slice(59);
    expect(p).to.include({ refused: 1, share: null });
  });

  it("counts an API listing's calls from its call log", async () => {
    const row = { at: NOW, product_id: "api1", method: "GET", duration_ms: 30, bytes_in: 0, bytes_out: 10 };
    await db("koogate_api_calls").insert([
      { ...row, status: 200, outcome: "answered" },
      { ...row, status: 401, outcome: "refused" },
      { ...row, status: 504, outcome: "upstream-timeout" },
      { ...row, status: 502, outcome: "upstream-down" },
    ]);
    const p = (await callSeries(db, [{ source: API_CALLS, products: ["api1"] }], range)).map(pointOf)[59]!;
    expect(p).to.include({ success: 1, refused: 1, deadline: 1, failed: 1 });
    expect(p.share).to.be.closeTo(2 / 3, 1e-9);
  });

  it("reads latency percentiles from the counts per duration bucket", async () => {
    const log = new EventLog(db);
    for (let i = 0; i < 98; i++) await log.append(call({ durationMs: 3 }));
    for (let i = 0; i < 2; i++) await log.append(call({ durationMs: 3000 }));
    const p = (await callSeries(db, [{ source: EVENT_CALLS, products: ["p1"] }], range)).map(pointOf)[59]!;
    expect(p.p50).to.be.at.most(5);
    expect(p.p99).to.be.above(2500).and.at.most(4500);
    expect(quantile([0, 0, 0], 0.5)).to.equal(null);
  });

  it("finds the first id of a time by bisecting the primary key", async () => {
    const log = new EventLog(db);
    for (let i = 0; i < 20; i++) await log.append(call({ at: 1000 + i * 10 }));
    const ids: number[] = (await db("koogate_events").orderBy("id").pluck("id")).map(Number);
    expect(await firstIdFrom(db, "koogate_events", "at", 1055)).to.equal(ids[6]);
    expect(await firstIdFrom(db, "koogate_events", "at", 0)).to.equal(ids[0]);
    expect(await firstIdFrom(db, "koogate_events", "at", 5000)).to.equal(ids[19]! + 1);
  });

  it("draws the outbox jobs waiting at each minute's end from when they were created and ended", async () => {
    const job = (createdAt: number, state: string, updatedAt: number) => ({ product_id: "p1", activity: "newInstance", instance_id: "i", payload: "{}", state, attempts: 1, next_attempt_at: 0, lease_until: 0, created_at: createdAt, updated_at: updatedAt });
    await db(JOBS_TABLE).insert([job(NOW - 30 * MIN, "done", NOW - 20 * MIN), job(NOW - 5 * MIN, "pending", NOW - 5 * MIN), job(NOW - 5 * MIN, "failed", NOW - 2 * MIN)]);
    const b = await backlogSeries(db, ["p1"], range, NOW);
    expect(b[59 - 31]).to.equal(0);
    expect(b[59 - 25]).to.equal(1);
    expect(b[59 - 19]).to.equal(0);
    expect(b[59 - 3]).to.equal(2);
    expect(b[59]).to.equal(1);
  });

  it("counts usage records recorded and pushed in each minute", async () => {
    await plantUsage(db, { productId: "p1", instanceId: "i1", beginAt: 0, state: "pushed", createdAt: NOW - 3 * MIN });
    await plantUsage(db, { productId: "p1", instanceId: "i2", beginAt: 0, state: "pending", createdAt: NOW - 3 * MIN });
    const u = await usageSeries(db, ["p1"], range);
    expect(u.recorded[56]).to.equal(2);
    expect(u.pushed[56]).to.equal(1);
    expect(u.recorded.reduce((s, n) => s + n, 0)).to.equal(2);
  });
});
