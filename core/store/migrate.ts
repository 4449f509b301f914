import type { Knex } from "knex";
import * as init from "./migrations/20261124080000_init.js";
import * as jobs from "./migrations/20261124090000_jobs.js";
import * as scopes from "./migrations/20261130010000_scopes_and_request_ids.js";
import * as orders from "./migrations/20261201090000_orders.js";
import * as usage from "./migrations/20261201100000_usage.js";
import * as reconciliations from "./migrations/20261201000000_reconciliations.js";
import * as alarms from "./migrations/20261206120000_alarms.js";
import * as dailyRuns from "./migrations/20261206130000_daily_runs.js";
import * as instanceTerms from "./migrations/20261206140000_instance_terms.js";
import * as opsSessions from "./migrations/20261206160000_ops_sessions_and_heartbeat.js";

export interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/**
 * koogate's own tables (nonces, operations, events, jobs, orders, usage). `init` also created `koogate_instances`,
 * which the SaaS kind uses: it came before kinds were plug-ins, and a migration that has run keeps its
 * name and place. Every later table belongs to the kind that owns it (`Kind.migrations`).
 */
export const CORE_MIGRATIONS: Readonly<Record<string, Migration>> = {
  "20261124080000_init": init,
  "20261124090000_jobs": jobs,
  "20261130010000_scopes_and_request_ids": scopes,
  // shared features any kind may opt into: order notification (core/orders/), metering (core/metering/)
  "20261201090000_orders": orders,
  "20261201100000_usage": usage,
  "20261201000000_reconciliations": reconciliations,
  // the alarm's raised conditions, shared by every process on the database (core/store/alarms.ts)
  "20261206120000_alarms": alarms,
  // the daily reconciliation's claim, so several processes run it once (core/store/daily-runs.ts)
  "20261206130000_daily_runs": dailyRuns,
  // the lifecycle's purchase terms and trial flag on every instance (core/lifecycle/)
  "20261206140000_instance_terms": instanceTerms,
  // /ops sign-in sessions and the readiness probe's heartbeat row (server/ops/auth.ts, core/ops/health.ts)
  "20261206160000_ops_sessions_and_heartbeat": opsSessions,
};

/**
 * One ordered list of timestamped migrations from the core and every registered kind. All of them
 * always run: knex refuses a database whose completed migrations are missing from its source.
 * @throws Error when two owners name the same migration
 */
export function mergeMigrations(owners: ReadonlyArray<{ owner: string; migrations?: Readonly<Record<string, Migration>> }>): Record<string, Migration> {
  const merged: Record<string, Migration> = {};
  const ownerOf = new Map<string, string>();
  for (const { owner, migrations } of owners) {
    for (const [name, m] of Object.entries(migrations ?? {})) {
      if (!/^\d{14}_[a-z0-9_]+$/.test(name)) throw new Error(`migration "${name}" of ${owner} is not named <UTC yyyymmddhhmmss>_<name>`);
      const first = ownerOf.get(name);
      if (first) throw new Error(`migration "${name}" is defined by both ${first} and ${owner}`);
      ownerOf.set(name, owner);
      merged[name] = m;
    }
  }
  return merged;
}

export const MIGRATION_TABLE = "koogate_migrations";

/** The advisory lock koogate processes sharing one PostgreSQL database take around their migrations. */
const PG_MIGRATION_LOCK = 0x6b6f6f67; // "koog"

/**
 * Brings the database to the newest schema. Several koogate processes may start on one PostgreSQL
 * database at once: knex's own lock is not enough there, because two processes that both find its lock
 * table empty both insert the lock row, and with two rows knex reports "already locked" to everyone,
 * forever. So on PostgreSQL the processes take turns through an advisory lock held by a transaction
 * (a try in a loop: no statement waits past the statement timeout), and the one holding it also mends
 * a lock table left with more than one row. A process that finds the lock taken waits up to `waitMs`.
 */
export async function migrateLatest(db: Knex, migrations: Readonly<Record<string, Migration>>, waitMs = 30_000): Promise<void> {
  const source: Knex.MigrationSource<string> = {
    getMigrations: async () => Object.keys(migrations).sort(),
    getMigrationName: (name) => name,
    getMigration: async (name) => migrations[name]!,
  };
  const latest = () => db.migrate.latest({ migrationSource: source, tableName: MIGRATION_TABLE });
  const until = Date.now() + waitMs;
  if (db.client.config.client === "pg") {
    for (;;) {
      const done = await db.transaction(async (trx) => {
        const got: { rows: Array<{ locked: boolean }> } = await trx.raw("select pg_try_advisory_xact_lock(?) as locked", [PG_MIGRATION_LOCK]);
        if (!got.rows[0]?.locked) return false;
        await mendLockTable(db);
        await latest();
        return true;
      });
      if (done) return;
      if (Date.now() > until) throw new Error(`another koogate process has been migrating the database for over ${waitMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  for (;;) {
    try {
      await latest();
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

/** Leaves knex's lock table with exactly one, unlocked, row when a past race left it with several. */
async function mendLockTable(db: Knex): Promise<void> {
  const table = `${MIGRATION_TABLE}_lock`;
  if (!(await db.schema.hasTable(table))) return;
  const rows: Array<{ n: number | string }> = await db(table).count({ n: "*" });
  if (Number(rows[0]?.n ?? 0) <= 1) return;
  await db(table).delete();
  await db(table).insert({ is_locked: 0 });
}
