/**
 * Bringing the database up to date as a step of its own (issue 20): at every start, once in the
 * primary of `koogate serve --workers` before it forks, and as `koogate migrate` (a deployment's
 * migration job). A failure says which of the two went wrong: reaching the database (the URL, the
 * server, the password) or migrating it (the user's rights, a schema changed by hand).
 */
import { SetupError } from "../errors.js";
import type { Logger } from "../logger.js";
import { createDatabase, redactUrl } from "./database.js";
import { migrateLatest, type Migration } from "./migrate.js";
import type { Knex } from "knex";

/** @throws SetupError naming the database (without its password), the cause and the fix */
export async function bringUpToDate(db: Knex, url: string, migrations: Readonly<Record<string, Migration>>): Promise<void> {
  const where = redactUrl(url);
  try {
    await db.raw("select 1");
  } catch (e) {
    throw new SetupError(`cannot reach the database ${where} (${(e as Error).message}); check KOOGATE_DATABASE_URL and that the database server runs and takes connections from here`);
  }
  try {
    await migrateLatest(db, migrations);
  } catch (e) {
    throw new SetupError(`migrating the database ${where} failed (${(e as Error).message}); the database user must be allowed to create tables, and koogate's tables must not have been changed by hand`);
  }
}

/** Opens the database of `url`, brings it up to date and closes it. */
export async function migrateDatabase(url: string, migrations: Readonly<Record<string, Migration>>, logger: Logger): Promise<void> {
  const db = createDatabase(url, { logger });
  try {
    await bringUpToDate(db, url, migrations);
  } finally {
    await db.destroy();
  }
}
