import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import knexFactory, { type Knex } from "knex";
import { SetupError } from "../errors.js";
import type { Logger } from "../logger.js";
import { QUERY_TIMEOUT_MS, STATEMENT_TIMEOUT_MS } from "../settings/timings.js";
import { preparedSqliteClient } from "./sqlite-client.js";

/**
 * The PostgreSQL driver, loaded the first time a postgres:// database opens: a server on SQLite does not
 * carry its 2 MB of heap (issue 21, RSS). PostgreSQL returns BIGINT (int8) as strings; koogate's int8
 * columns hold milliseconds, safe as numbers.
 */
function loadPostgresDriver(): void {
  const pg = createRequire(import.meta.url)("pg") as typeof import("pg");
  pg.types.setTypeParser(20, (v: string) => Number(v));
}


export interface DatabaseOptions {
  /** where knex's own warnings go (a lost connection, a failed acquire), as one line without a stack;
   * default: knex's console output */
  logger?: Logger;
  /** SQLite: keep the driver's prepared statements (./sqlite-client.ts); default true. The bench's
   * floors pass false: they measure one statement as knex runs it out of the box. */
  keepStatements?: boolean;
}

/** knex's warnings as koogate log lines: the first line of the message only, never a stack or a statement. */
function knexLog(logger: Logger | undefined): Knex.Config["log"] {
  if (!logger) return undefined;
  const line = (m: unknown) => String(m instanceof Error ? m.message : m).split("\n")[0]!.slice(0, 300);
  return {
    warn: (m: unknown) => logger.warn("database", { message: line(m) }),
    error: (m: unknown) => logger.error("database", { message: line(m) }),
    deprecate: (m: unknown) => logger.debug("database", { message: line(m) }),
    debug: (m: unknown) => logger.debug("database", { message: line(m) }),
  };
}

/**
 * Opens koogate's database from `KOOGATE_DATABASE_URL`:
 * - `sqlite:<path>` (`sqlite::memory:` for a throwaway one): one connection, WAL journal. SQLite runs
 *   one statement at a time, which is why every call is kept to as few statements as possible.
 * - `postgres://…` / `postgresql://…`: a pool; several koogate processes may share the database.
 */
export function createDatabase(url: string, opts: DatabaseOptions = {}): Knex {
  const log = knexLog(opts.logger);
  if (url.startsWith("sqlite:")) {
    const filename = url.slice("sqlite:".length) || ":memory:";
    requireSqliteDriver();
    if (filename !== ":memory:") mkdirSync(dirname(filename), { recursive: true });
    return knexFactory({
      // knex's sqlite3 client, keeping the driver's prepared statements (./sqlite-client.ts)
      client: opts.keepStatements === false ? "sqlite3" : (preparedSqliteClient() as unknown as string),
      connection: { filename },
      useNullAsDefault: true,
      log,
      pool: {
        min: 1,
        max: 1,
        afterCreate(conn: { exec(sql: string, cb: (err: Error | null) => void): void }, done: (err: Error | null, c: unknown) => void) {
          conn.exec(`PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=${STATEMENT_TIMEOUT_MS};`, (err) => done(err, conn));
        },
      },
    });
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    loadPostgresDriver();
    return knexFactory({
      client: "pg",
      log,
      // statement_timeout stops a slow statement on the server; query_timeout gives up on the client when
      // the server cannot even be heard (a lost network), where a statement would otherwise wait forever.
      connection: {
        connectionString: url,
        connectionTimeoutMillis: 3000,
        statement_timeout: STATEMENT_TIMEOUT_MS,
        query_timeout: QUERY_TIMEOUT_MS,
      } as Knex.PgConnectionConfig,
      pool: { min: 0, max: 10, acquireTimeoutMillis: 3000, afterCreate: disposeOnReadTimeout },
      acquireConnectionTimeout: 3000,
    });
  }
  throw new SetupError(`KOOGATE_DATABASE_URL must start with sqlite: or postgres://, not "${redactUrl(url)}"`);
}

/** A database URL fit for a log line or a message: the user and password left out. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@]*@/, "//…@");
}

/**
 * sqlite3 is an optional dependency (it compiles natively where no prebuilt binary fits; a merchant on
 * PostgreSQL installs with --omit=optional). Without it, knex would fail with a message about its own
 * internals: say instead what to install, or how to use PostgreSQL.
 */
function requireSqliteDriver(): void {
  const fix = 'or set the database to postgres://user:password@host/db (KOOGATE_DATABASE_URL, or "database" in koogate.config.json)';
  const req = createRequire(import.meta.url);
  try {
    req.resolve("sqlite3");
  } catch {
    throw new SetupError(`the database is SQLite but the sqlite3 driver is not installed (it is optional); run npm install sqlite3, ${fix}`);
  }
  try {
    req("sqlite3");
  } catch (e) {
    // installed, but its native part did not build (no prebuilt binary and no compiler, or scripts not allowed)
    throw new SetupError(`the sqlite3 driver is installed but cannot load (${String((e as Error).message).split("\n")[0]}); run npm rebuild sqlite3 (it needs python3, make and a C++ compiler when no prebuilt binary fits), ${fix}`);
  }
}

/** How long koogate waits for PostgreSQL to answer one statement before giving the connection up (core/settings/timings.ts). */
export { QUERY_TIMEOUT_MS };

interface PgConnection {
  query(config: unknown, cb: (err: Error | null, res: unknown) => void): unknown;
  end(): Promise<void>;
  __knex__disposed?: unknown;
}

/**
 * A connection whose statement timed out on the client still has that statement in flight: pg would
 * queue every later statement behind it. Marking it disposed makes knex's pool drop it instead of
 * lending it again (knex reads `__knex__disposed` when a connection is acquired).
 */
function disposeOnReadTimeout(conn: PgConnection, done: (err: Error | null, conn: unknown) => void): void {
  const query = conn.query.bind(conn);
  conn.query = (config, cb) => {
    if (typeof cb !== "function") return query(config, cb);
    return query(config, (err, res) => {
      if (err && err.message === "Query read timeout") {
        conn.__knex__disposed = err;
        conn.end().catch(() => undefined);
      }
      cb(err, res);
    });
  };
  done(null, conn);
}

