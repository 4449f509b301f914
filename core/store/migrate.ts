import type { Knex } from "knex";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** `<UTC yyyymmddhhmmss>_<name>`, the name knex records; a migration that has run keeps it for ever. */
const MIGRATION_NAME = /^\d{14}_[a-z0-9_]+$/;

/**
 * Every migration in `folder` (the compiled `.js` files; declarations and source maps beside them are
 * skipped), by name, which is timestamp order. A folder holds nothing else, so a file there that is not
 * named `<UTC yyyymmddhhmmss>_<name>` or does not export `up` and `down` is a mistake, refused here
 * rather than skipped and never run.
 * @throws Error naming the file
 */
export async function migrationsIn(folder: URL): Promise<Record<string, Migration>> {
  const dir = fileURLToPath(folder);
  const names = readdirSync(dir)
    .filter((f) => f.endsWith(".js"))
    .map((f) => f.slice(0, -".js".length))
    .sort();
  const found: Record<string, Migration> = {};
  for (const name of names) {
    if (!MIGRATION_NAME.test(name)) throw new Error(`${dir}/${name}.js is not named <UTC yyyymmddhhmmss>_<name>: a migrations folder holds migrations only`);
    const m = (await import(new URL(`${name}.js`, folder).href)) as Partial<Migration>;
    if (typeof m.up !== "function" || typeof m.down !== "function") throw new Error(`${dir}/${name}.js does not export the functions up and down of a migration`);
    found[name] = m as Migration;
  }
  return found;
}

/**
 * koogate's own tables (nonces, operations, events, jobs, orders, usage, alarms, …): every migration in
 * core/store/migrations/. `init` also created `koogate_instances`, which the SaaS kind uses: it came
 * before kinds were plug-ins, and a migration that has run keeps its name. Every later table belongs
 * to the kind that owns it (`Kind.migrations`, discovered the same way in the kind's own folder).
 */
export const CORE_MIGRATIONS: Readonly<Record<string, Migration>> = await migrationsIn(new URL("./migrations/", import.meta.url));

/**
 * One list of timestamped migrations from the core and every registered kind, sorted by name (which is
 * timestamp order; knex runs them in that order too). All of them always run: knex refuses a database
 * whose completed migrations are missing from its source.
 * @throws Error when two owners name the same migration
 */
export function mergeMigrations(owners: ReadonlyArray<{ owner: string; migrations?: Readonly<Record<string, Migration>> }>): Record<string, Migration> {
  const merged: Record<string, Migration> = {};
  const ownerOf = new Map<string, string>();
  for (const { owner, migrations } of owners) {
    for (const [name, m] of Object.entries(migrations ?? {})) {
      if (!MIGRATION_NAME.test(name)) throw new Error(`migration "${name}" of ${owner} is not named <UTC yyyymmddhhmmss>_<name>`);
      const first = ownerOf.get(name);
      if (first) throw new Error(`migration "${name}" is defined by both ${first} and ${owner}`);
      ownerOf.set(name, owner);
      merged[name] = m;
    }
  }
  return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
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
