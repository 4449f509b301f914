import type { Knex } from "knex";
import * as init from "./migrations/20261124080000_init.js";
import * as jobs from "./migrations/20261124090000_jobs.js";
import * as jointOperation from "./migrations/20261124100000_joint_operation.js";

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/**
 * Migrations are timestamped files under ./migrations, listed here so that the compiled server needs
 * no file-system lookup. knex runs each in a transaction behind its lock table.
 */
const MIGRATIONS: Record<string, Migration> = {
  "20261124080000_init": init,
  "20261124090000_jobs": jobs,
  "20261124100000_joint_operation": jointOperation,
};

const source: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(MIGRATIONS).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => MIGRATIONS[name]!,
};

export const MIGRATION_TABLE = "koogate_migrations";

/**
 * Brings the database to the newest schema. When another koogate process holds knex's migration lock
 * (several processes starting on one PostgreSQL), waits for it and tries again, for up to `waitMs`.
 */
export async function migrateLatest(db: Knex, waitMs = 30_000): Promise<void> {
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      await db.migrate.latest({ migrationSource: source, tableName: MIGRATION_TABLE });
      return;
    } catch (err) {
      // Another process holds the lock, or created knex's own tables between our check and our
      // create (knex makes them before it locks): both settle by themselves, so wait and try again.
      const racing = err instanceof Error && /already locked|already exists|duplicate key/i.test(err.message);
      if (!racing || Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
