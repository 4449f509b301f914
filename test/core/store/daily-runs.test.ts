import "reflect-metadata";
import { expect } from "chai";
import type { Knex } from "knex";
import { allMigrations } from "../../../core/kernel.js";
import { KINDS } from "../../../core/kinds/index.js";
import { claimDailyRun } from "../../../core/store/daily-runs.js";
import { createDatabase } from "../../../core/store/database.js";
import { migrateLatest } from "../../../core/store/migrate.js";
import { freshDatabaseUrl, testDatabaseKind } from "../../support/database.js";

const DAY = 86_400_000;
const T = Date.UTC(2026, 11, 6, 3, 0);

// KOOGATE_RECONCILE_AT with several processes on one database: one runs the day's reconciliation
describe(`the claim of a daily task on ${testDatabaseKind}`, () => {
  let db: Knex;
  beforeEach(async () => {
    db = createDatabase(await freshDatabaseUrl());
    await migrateLatest(db, allMigrations(KINDS));
  });
  afterEach(() => db.destroy());

  it("gives the day's run to exactly one of several processes claiming it at once", async () => {
    const got = await Promise.all(Array.from({ length: 5 }, (_, i) => claimDailyRun(db, "reconcile", T + i)));
    expect(got.filter(Boolean)).to.have.length(1);
  });

  it("gives the next UTC day's run again, and another task's run apart", async () => {
    expect(await claimDailyRun(db, "reconcile", T)).to.equal(true);
    expect(await claimDailyRun(db, "reconcile", T + 20 * 3_600_000)).to.equal(false);
    expect(await claimDailyRun(db, "reconcile", T + DAY)).to.equal(true);
    expect(await claimDailyRun(db, "other", T)).to.equal(true);
  });
});
