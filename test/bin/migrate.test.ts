/** `koogate migrate` (issue 20): the migration step of a deployment, run once before the servers start. */
import { expect } from "chai";
import { allMigrations } from "../../core/kernel.js";
import { KINDS } from "../../core/kinds/index.js";
import { createDatabase } from "../../core/store/database.js";
import { MIGRATION_TABLE } from "../../core/store/migrate.js";
import { freshDatabaseUrl, testDatabaseKind } from "../support/database.js";
import { runKoogate } from "../support/process.js";

describe(`koogate migrate (${testDatabaseKind})`, () => {
  it("brings a fresh database to the newest schema of the core and every kind, and a second run finds nothing to do", async () => {
    const databaseUrl = await freshDatabaseUrl();
    const first = await runKoogate(["migrate"], { KOOGATE_DATABASE_URL: databaseUrl, KOOGATE_LOG_FORMAT: "json" });
    expect(first.code, first.stderr).to.equal(0);
    const names = Object.keys(allMigrations(KINDS)).sort();
    expect(first.stdout).to.match(new RegExp(`is up to date \\(${names.length} migrations\\)\\n$`));
    const db = createDatabase(databaseUrl);
    try {
      expect(await db(MIGRATION_TABLE).orderBy("name").pluck("name")).to.deep.equal(names);
      const again = await runKoogate(["migrate"], { KOOGATE_DATABASE_URL: databaseUrl, KOOGATE_LOG_FORMAT: "json" });
      expect(again.code, again.stderr).to.equal(0);
      expect(await db(MIGRATION_TABLE).count({ n: "*" }).first()).to.satisfy((c: { n: unknown }) => Number(c.n) === names.length);
    } finally {
      await db.destroy();
    }
  });
});
