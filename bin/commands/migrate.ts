/**
 * `koogate migrate`: brings the project's database (KOOGATE_DATABASE_URL, or its koogate config's
 * `database`) to the newest schema and exits — the migration step of a deployment that runs it once,
 * before the servers start (a Kubernetes Job, an init container). `koogate serve` migrates too, so
 * running this is never required; several processes migrating at once take turns on PostgreSQL.
 */
import { allMigrations } from "../../core/kernel.js";
import { KINDS } from "../../core/kinds/index.js";
import { createLogger } from "../../core/logger.js";
import { loadProject } from "../../core/project/index.js";
import { redactUrl } from "../../core/store/database.js";
import { migrateDatabase } from "../../core/store/migrate-database.js";
import { EXIT, optionLines, parse, type Io } from "../../core/cli/args.js";

export const migrateHelp = [
  "Usage: koogate migrate",
  "",
  "Brings the database (KOOGATE_DATABASE_URL, or the koogate config's database) to the newest schema of",
  "koogate and of every product kind, then exits 0; exits 1 with the cause when the database cannot be",
  "reached or migrated. For a deployment's migration job: koogate serve migrates at start as well.",
  "",
  ...optionLines({ help: { type: "boolean", description: "show this help" } }),
].join("\n");

export async function migrate(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, {}, false);
  if (values.help) {
    io.out(migrateHelp);
    return EXIT.ok;
  }
  const { config } = await loadProject({ env: io.env });
  const migrations = allMigrations(KINDS);
  await migrateDatabase(config.databaseUrl, migrations, createLogger({ level: config.logLevel, format: config.logFormat }));
  io.out(`database ${redactUrl(config.databaseUrl)} is up to date (${Object.keys(migrations).length} migrations)`);
  return EXIT.ok;
}
