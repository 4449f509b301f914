/**
 * knex's SQLite client, with the driver's prepared statements kept for the statements koogate runs
 * again and again (issue 21). knex hands the sqlite3 driver each statement as text, and the driver's
 * `Database#run`/`#all` prepare it, run it and finalize it: three trips to the thread pool for every
 * statement, and on one SQLite connection every trip is time no other call can use. Here a data
 * statement (select, insert, update, delete) is prepared once per connection, by its SQL text, and run
 * again with new bindings: one trip. Everything else (schema changes, raw SQL, PRAGMAs, transactions'
 * BEGIN/COMMIT) goes the driver's usual way, and PostgreSQL is not concerned at all.
 *
 * The statement runs as the driver would have run it (`all` or `run`, with `this` carrying `lastID` and
 * `changes`), so knex reads the same answer. Bindings are always given (a statement with none resets
 * before it runs, the driver's rule), so nothing of a previous run is left bound. A statement whose run
 * fails is finalized and forgotten rather than reused. The kept statements are finalized before the
 * connection closes (SQLite does not close a connection with statements still open).
 */
import { createRequire } from "node:module";
import type { Knex } from "knex";

interface DriverStatement {
  run(params: unknown[], cb: (this: unknown, err: Error | null) => void): unknown;
  all(params: unknown[], cb: (this: unknown, err: Error | null, rows: unknown[]) => void): unknown;
  finalize(cb?: (err: Error | null) => void): unknown;
}

interface DriverConnection {
  prepare(sql: string, cb: (err: Error | null) => void): DriverStatement;
}

/** What knex's runner hands `_query`: the statement and where its answer goes. */
interface QueryObject {
  sql?: string;
  bindings?: unknown[];
  method?: string;
  returning?: unknown;
  response?: unknown;
  context?: unknown;
}

/** knex's methods of data statements, and the driver call each is run with (knex's sqlite3 `_query`). */
const DATA_METHODS: Readonly<Record<string, "all" | "run" | ((obj: QueryObject) => "all" | "run")>> = {
  select: "all",
  first: "all",
  pluck: "all",
  insert: (obj) => (obj.returning ? "all" : "run"),
  update: (obj) => (obj.returning ? "all" : "run"),
  del: "run",
  counter: "run",
};

/** Statements kept per connection; past this the least recently used one is finalized (koogate runs about a hundred distinct ones). */
export const MAX_PREPARED_STATEMENTS = 512;

type SqliteClientClass = new (config: Knex.Config) => Knex.Client;

/** Runs SQL built beforehand (./built-statement.ts) as a kept statement, on a connection of the pool. */
export interface KeptStatements {
  runKept(sql: string, bindings: unknown[], call: "all" | "run"): Promise<unknown[]>;
}

let clientClass: SqliteClientClass | undefined;

/** The knex client class to open SQLite with (`client:` of the knex config): knex's own, with statements kept. */
export function preparedSqliteClient(): SqliteClientClass {
  return (clientClass ??= makeClient());
}

/** The database's kept statements, when it is SQLite opened with them (else null: run through knex). */
export function keptStatements(db: Knex): KeptStatements | null {
  return clientClass !== undefined && db.client instanceof clientClass ? (db.client as unknown as KeptStatements) : null;
}

function makeClient(): SqliteClientClass {
  const Base = createRequire(import.meta.url)("knex/lib/dialects/sqlite3/index.js") as SqliteClientClass;
  const kept = new WeakMap<DriverConnection, Map<string, DriverStatement>>();

  const finalize = (s: DriverStatement) => new Promise<void>((resolve) => s.finalize(() => resolve()));

  /** The statement of `sql` on `conn`, prepared the first time (its error, if any, rejects). */
  const statementOf = (conn: DriverConnection, sql: string): DriverStatement | Promise<DriverStatement> => {
    let byText = kept.get(conn);
    if (!byText) kept.set(conn, (byText = new Map()));
    const s = byText.get(sql);
    if (s) {
      // most recently used last: the first one is the one to let go
      byText.delete(sql);
      byText.set(sql, s);
      return s;
    }
    return new Promise<DriverStatement>((resolve, reject) => {
      const fresh = conn.prepare(sql, (err) => {
        if (err) return reject(err);
        // two first uses at once: the one kept wins, the other is let go (an open statement stops a close)
        const first = byText.get(sql);
        if (first) return void finalize(fresh).then(() => resolve(first));
        byText.set(sql, fresh);
        if (byText.size > MAX_PREPARED_STATEMENTS) {
          const [oldest, s0] = byText.entries().next().value as [string, DriverStatement];
          byText.delete(oldest);
          void finalize(s0);
        }
        resolve(fresh);
      });
    });
  };

  const forget = (conn: DriverConnection, sql: string, s: DriverStatement) => {
    const byText = kept.get(conn);
    if (byText?.get(sql) === s) byText.delete(sql);
    void finalize(s);
  };

  /** Runs `sql` as the kept statement of `conn`: the driver's answer and its `this` (lastID, changes). */
  const execute = (conn: DriverConnection, sql: string, bindings: unknown[], call: "all" | "run") => {
    const run = (s: DriverStatement) =>
      new Promise<[unknown, unknown]>((resolve, reject) => {
        s[call](bindings, function (this: unknown, err: Error | null, response?: unknown) {
          if (err) {
            forget(conn, sql, s);
            return reject(err);
          }
          resolve([response, this]);
        });
      });
    const s = statementOf(conn, sql);
    return s instanceof Promise ? s.then(run) : run(s);
  };

  class PreparedSqlite3 extends (Base as new (config: Knex.Config) => Knex.Client & { _query(conn: unknown, obj: QueryObject): Promise<QueryObject> }) {
    constructor(config: Knex.Config) {
      // knex resolved this class from `client:`; everything reading the config afterwards sees "sqlite3"
      super({ ...config, client: "sqlite3" });
    }

    override _query(connection: unknown, obj: QueryObject): Promise<QueryObject> {
      const how = obj.method === undefined ? undefined : DATA_METHODS[obj.method];
      if (!how || !obj.sql) return super._query(connection, obj);
      return execute(connection as DriverConnection, obj.sql, obj.bindings ?? [], typeof how === "function" ? how(obj) : how).then(([response, context]) => {
        obj.response = response;
        // knex reads `lastID` and `changes` from here, as from the driver's own call
        obj.context = context;
        return obj;
      });
    }

    async runKept(sql: string, bindings: unknown[], call: "all" | "run"): Promise<unknown[]> {
      const conn = (await this.acquireConnection()) as DriverConnection;
      // knex's 'query' event, as its own runner emits it: what counts statements (the bench) still sees this one
      (this as unknown as { emit(e: string, o: object): void }).emit("query", { __knexUid: (conn as { __knexUid?: string }).__knexUid, sql, bindings });
      try {
        return ((await execute(conn, sql, bindings, call))[0] as unknown[] | undefined) ?? [];
      } finally {
        await this.releaseConnection(conn);
      }
    }

    override async destroyRawConnection(connection: unknown): Promise<void> {
      const byText = kept.get(connection as DriverConnection);
      kept.delete(connection as DriverConnection);
      if (byText) await Promise.all([...byText.values()].map(finalize));
      await (Base.prototype as unknown as { destroyRawConnection(c: unknown): Promise<void> }).destroyRawConnection.call(this, connection);
    }
  }
  return PreparedSqlite3 as unknown as SqliteClientClass;
}
