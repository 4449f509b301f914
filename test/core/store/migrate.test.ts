import { expect } from "chai";
import { createDatabase } from "../../../core/store/database.js";
import { allMigrations } from "../../../core/kernel.js";
import { KINDS } from "../../../core/kinds/index.js";
import { migrateLatest } from "../../../core/store/migrate.js";
import { freshDatabaseUrl, testDatabaseKind } from "../../support/database.js";

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
