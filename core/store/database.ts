import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import knexFactory, { type Knex } from "knex";
import pg from "pg";
import { SetupError } from "../errors.js";

// PostgreSQL returns BIGINT (int8) as strings; koogate's int8 columns hold milliseconds, safe as numbers.
pg.types.setTypeParser(20, (v: string) => Number(v));

export type DatabaseClient = "sqlite" | "postgres";

/**
 * Opens koogate's database from `KOOGATE_DATABASE_URL`:
 * - `sqlite:<path>` (`sqlite::memory:` for a throwaway one): one connection, WAL journal. SQLite runs
 *   one statement at a time, which is why every call is kept to as few statements as possible.
 * - `postgres://…` / `postgresql://…`: a pool; several koogate processes may share the database.
 */
export function createDatabase(url: string): Knex {
  if (url.startsWith("sqlite:")) {
    const filename = url.slice("sqlite:".length) || ":memory:";
    if (filename !== ":memory:") mkdirSync(dirname(filename), { recursive: true });
    return knexFactory({
      client: "sqlite3",
      connection: { filename },
      useNullAsDefault: true,
      pool: {
        min: 1,
        max: 1,
        afterCreate(conn: { exec(sql: string, cb: (err: Error | null) => void): void }, done: (err: Error | null, c: unknown) => void) {
          conn.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;", (err) => done(err, conn));
        },
      },
    });
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    return knexFactory({
      client: "pg",
      connection: { connectionString: url, connectionTimeoutMillis: 3000, statement_timeout: 5000 } as Knex.PgConnectionConfig,
      pool: { min: 0, max: 10, acquireTimeoutMillis: 3000 },
      acquireConnectionTimeout: 3000,
    });
  }
  throw new SetupError(`KOOGATE_DATABASE_URL must start with sqlite: or postgres://, not "${url.replace(/\/\/[^@]*@/, "//…@")}"`);
}

export function clientOf(db: Knex): DatabaseClient {
  return db.client.config.client === "pg" ? "postgres" : "sqlite";
}
