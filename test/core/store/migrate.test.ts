import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { expect } from "chai";
import { createDatabase } from "../../../core/store/database.js";
import { allMigrations } from "../../../core/kernel.js";
import { KINDS } from "../../../core/kinds/index.js";
import { migrateLatest, migrationsIn, type Migration } from "../../../core/store/migrate.js";
import * as init from "../../../core/store/migrations/20261124080000_init.js";
import * as jobs from "../../../core/store/migrations/20261124090000_jobs.js";
import * as scopes from "../../../core/store/migrations/20261130010000_scopes_and_request_ids.js";
import * as orders from "../../../core/store/migrations/20261201090000_orders.js";
import * as usage from "../../../core/store/migrations/20261201100000_usage.js";
import * as reconciliations from "../../../core/store/migrations/20261201000000_reconciliations.js";
import * as alarms from "../../../core/store/migrations/20261206120000_alarms.js";
import * as dailyRuns from "../../../core/store/migrations/20261206130000_daily_runs.js";
import * as instanceTerms from "../../../core/store/migrations/20261206140000_instance_terms.js";
import * as opsSessions from "../../../core/store/migrations/20261206160000_ops_sessions_and_heartbeat.js";
import * as apiCalls from "../../../core/kinds/api/migrations/20261201100000_api_calls.js";
import * as apiLimits from "../../../core/kinds/api/migrations/20261206140000_api_limits.js";
import * as licenseTables from "../../../core/kinds/license/migrations/20261130020000_license.js";
import * as relayWindows from "../../../core/kinds/license/migrations/20261206150000_relay_windows.js";
import * as jointOperation from "../../../core/kinds/saas/migrations/20261124100000_joint_operation.js";
import { freshDatabaseUrl, testDatabaseKind } from "../../support/database.js";

/** The hand-kept list the migrations were run from before they were discovered, in its own (not timestamp) order. */
const OLD_LIST: Record<string, Migration> = {
  "20261124080000_init": init,
  "20261124090000_jobs": jobs,
  "20261130010000_scopes_and_request_ids": scopes,
  "20261201090000_orders": orders,
  "20261201100000_usage": usage,
  "20261201000000_reconciliations": reconciliations,
  "20261206120000_alarms": alarms,
  "20261206130000_daily_runs": dailyRuns,
  "20261206140000_instance_terms": instanceTerms,
  "20261206160000_ops_sessions_and_heartbeat": opsSessions,
  "20261124100000_joint_operation": jointOperation,
  "20261130020000_license": licenseTables,
  "20261206150000_relay_windows": relayWindows,
  "20261201100000_api_calls": apiCalls,
  "20261206140000_api_limits": apiLimits,
};

/** The UTC time a migration's name begins with, in milliseconds. */
function stampOf(name: string): number {
  const d = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})_/.exec(name);
  expect(d, name).to.not.equal(null);
  const [y, mo, da, h, mi, s] = d!.slice(1).map(Number) as [number, number, number, number, number, number];
  const at = Date.UTC(y, mo - 1, da, h, mi, s);
  expect(new Date(at).getUTCMonth(), `${name} is a real date`).to.equal(mo - 1);
  return at;
}

describe("migrations discovered in their folders (core/store/migrate.ts)", () => {
  it("runs every migration of the core and of each kind in timestamp order", () => {
    const names = Object.keys(allMigrations(KINDS));
    const stamps = names.map(stampOf);
    expect(stamps).to.deep.equal([...stamps].sort((a, b) => a - b));
    expect(names).to.deep.equal([...names].sort());
  });

  it("finds under their recorded names exactly the migrations the hand-kept list named", () => {
    expect(Object.keys(allMigrations(KINDS))).to.include.members(Object.keys(OLD_LIST));
    for (const [name, m] of Object.entries(OLD_LIST)) expect(allMigrations(KINDS)[name]?.up, name).to.equal(m.up);
  });

  it(`leaves a database migrated by the hand-kept list unchanged (${testDatabaseKind})`, async () => {
    const db = createDatabase(await freshDatabaseUrl());
    try {
      await migrateLatest(db, OLD_LIST);
      const before = await db("koogate_migrations").orderBy("id").select();
      await migrateLatest(db, allMigrations(KINDS));
      expect(await db("koogate_migrations").orderBy("id").select()).to.deep.equal(before);
      expect(before.map((r: { name: string }) => r.name)).to.have.members(Object.keys(OLD_LIST));
    } finally {
      await db.destroy();
    }
  });

  it("refuses a file in a migrations folder that is not named <UTC yyyymmddhhmmss>_<name>, naming it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "koogate-migrations-"));
    writeFileSync(join(dir, "20261201000000_fine.js"), "export async function up() {}\nexport async function down() {}\n");
    writeFileSync(join(dir, "add_tables.js"), "export async function up() {}\nexport async function down() {}\n");
    const err = await migrationsIn(pathToFileURL(dir + "/")).then(() => undefined, (e: Error) => e);
    expect(err?.message).to.contain("add_tables.js is not named <UTC yyyymmddhhmmss>_<name>");
  });

  it("refuses a migration without up and down, naming it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "koogate-migrations-"));
    writeFileSync(join(dir, "20261201000000_half.js"), "export async function up() {}\n");
    const err = await migrationsIn(pathToFileURL(dir + "/")).then(() => undefined, (e: Error) => e);
    expect(err?.message).to.contain("20261201000000_half.js does not export the functions up and down");
  });

  it("reads only the compiled files of a folder, by name", async () => {
    const dir = mkdtempSync(join(tmpdir(), "koogate-migrations-"));
    for (const n of ["20261202000000_b", "20261201000000_a"]) writeFileSync(join(dir, `${n}.js`), "export async function up() {}\nexport async function down() {}\n");
    writeFileSync(join(dir, "20261201000000_a.d.ts"), "export {};\n");
    writeFileSync(join(dir, "20261201000000_a.js.map"), "{}\n");
    expect(Object.keys(await migrationsIn(pathToFileURL(dir + "/")))).to.deep.equal(["20261201000000_a", "20261202000000_b"]);
  });
});

describe("migrations (core/store/migrate.ts)", () => {
  // Several koogate processes share a database only on PostgreSQL; SQLite is the one-process default.
  it("brings one fresh PostgreSQL database up to date from several processes starting at once", async function () {
    if (testDatabaseKind !== "postgres") {
      console.log("    (skipped: set KOOGATE_TEST_DATABASE_URL to a PostgreSQL server; .ci/run and npm run test:pg do)");
      this.skip();
    }
    const url = await freshDatabaseUrl();
    const dbs = Array.from({ length: 4 }, () => createDatabase(url));
    try {
      const results = await Promise.allSettled(dbs.map((db) => migrateLatest(db, allMigrations(KINDS))));
      expect(results.map((r) => (r.status === "rejected" ? String(r.reason) : "ok"))).to.deep.equal(["ok", "ok", "ok", "ok"]);
      const applied = await dbs[0]!("koogate_migrations").orderBy("id").pluck("name");
      expect(applied).to.deep.equal(Object.keys(allMigrations(KINDS)).sort());
      expect(applied).to.include.members(["20261124080000_init", "20261124100000_joint_operation", "20261130010000_scopes_and_request_ids"]);
    } finally {
      await Promise.all(dbs.map((db) => db.destroy()));
    }
  });

  it("mends a lock table that a past race left with two rows, instead of waiting on it forever (PostgreSQL)", async function () {
    if (testDatabaseKind !== "postgres") this.skip();
    const url = await freshDatabaseUrl();
    const db = createDatabase(url);
    try {
      await db.schema.createTable("koogate_migrations_lock", (t) => {
        t.increments("index").primary();
        t.integer("is_locked");
      });
      await db("koogate_migrations_lock").insert([{ is_locked: 0 }, { is_locked: 0 }]);
      await migrateLatest(db, allMigrations(KINDS), 5_000);
      expect(await db("koogate_migrations_lock").select("is_locked")).to.deep.equal([{ is_locked: 0 }]);
    } finally {
      await db.destroy();
    }
  });
});
