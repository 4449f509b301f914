import "reflect-metadata";
import { expect } from "chai";
import type { Knex } from "knex";
import { loadConfig } from "../../../core/settings/index.js";
import { allMigrations } from "../../../core/kernel.js";
import { KINDS } from "../../../core/kinds/index.js";
import { createDatabase } from "../../../core/store/database.js";
import { migrateLatest } from "../../../core/store/migrate.js";
import { Retention, RETENTION_BATCH } from "../../../core/store/retention.js";
import { freshDatabaseUrl, testDatabaseKind } from "../../support/database.js";

const DAY = 86_400_000;
const NOW = 1_800_000_000_000;

describe(`retention (KOOGATE_RETENTION_DAYS) on ${testDatabaseKind}`, () => {
  let db: Knex;
  /** ten days: done operations are still kept for the 30-day floor */
  const retention = () => new Retention(db, { ...loadConfig({}), retentionDays: 10 });
  beforeEach(async () => {
    db = createDatabase(await freshDatabaseUrl());
    await migrateLatest(db, allMigrations(KINDS));
  });
  afterEach(() => db.destroy());

  const event = (i: number, ageDays: number) => ({
    at: NOW - ageDays * DAY,
    product_id: "p",
    activity: "newInstance",
    verdict: "processed",
    result_code: "000000",
    response: `{"n":${i}}`,
    duration_ms: 1,
    test: false,
  });
  const job = (id: string, state: string, ageDays: number) => ({
    product_id: "p",
    activity: "newInstance",
    instance_id: id,
    payload: "sealed",
    test: false,
    state,
    attempts: 1,
    next_attempt_at: 0,
    lease_until: 0,
    created_at: NOW - ageDays * DAY,
    updated_at: NOW - ageDays * DAY,
  });
  const operation = (key: string, state: string, ageDays: number) => ({
    product_id: "p",
    activity: "newInstance",
    idem_key: key,
    state,
    instance_id: key,
    response: "{}",
    owner: "o",
    lease_until: 0,
    attempts: 1,
    created_at: NOW - ageDays * DAY,
    updated_at: NOW - ageDays * DAY,
  });

  it("deletes events older than the retention period, more than one batch of them, and keeps the newer", async () => {
    const old = RETENTION_BATCH + 7;
    for (let i = 0; i < old; i += 100) await db("koogate_events").insert(Array.from({ length: Math.min(100, old - i) }, (_, j) => event(i + j, 11)));
    await db("koogate_events").insert([event(-1, 9), event(-2, 0)]);
    const purged = await retention().purge(NOW);
    expect(purged.events).to.equal(old);
    expect((await db("koogate_events").select("response")).map((r: { response: string }) => r.response).sort()).to.deep.equal(['{"n":-1}', '{"n":-2}']);
  });

  it("deletes finished jobs (done, failed) older than the period and keeps pending ones whatever their age", async () => {
    await db("koogate_jobs").insert([job("done-old", "done", 11), job("failed-old", "failed", 11), job("pending-old", "pending", 11), job("done-new", "done", 1)]);
    expect((await retention().purge(NOW)).jobs).to.equal(2);
    expect((await db("koogate_jobs").select("instance_id")).map((r: { instance_id: string }) => r.instance_id).sort()).to.deep.equal(["done-new", "pending-old"]);
  });

  it("keeps done operations for 30 days at least, a resend may still need their answer, and never purges a pending claim", async () => {
    await db("koogate_operations").insert([operation("done-31", "done", 31), operation("done-20", "done", 20), operation("pending-40", "pending", 40)]);
    expect((await retention().purge(NOW)).operations).to.equal(1);
    expect((await db("koogate_operations").select("idem_key")).map((r: { idem_key: string }) => r.idem_key).sort()).to.deep.equal(["done-20", "pending-40"]);
  });
});
