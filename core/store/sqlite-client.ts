/**
 * knex's SQLite client, with the driver's prepared statements kept for the statements koogate runs
 * again and again (issue 21). knex hands the sqlite3 driver each statement as text, and the driver's
 * `Database#run`/`#all` prepare it, run it and finalize it: three trips to the thread pool for every
 * statement, and on one SQLite connection every trip is time no other call can use. Here a data
 * statement (select, insert, update, delete) is prepared once per connection, by its SQL text, and run
 * again with new bindings: one trip; so are knex's BEGIN and COMMIT. Everything else (schema changes,
 * raw SQL, PRAGMAs, ROLLBACK) goes the driver's usual way, and PostgreSQL is not concerned at all.
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

/**
 * The texts knex opens and commits a transaction with (knex/lib/execution/transaction.js), kept too:
 * the group commit opens one per batch, and each went the driver's usual way, three trips to the pool.
 * SQLite runs them prepared as it runs them from text; ROLLBACK and savepoints still go the usual way.
 */
const TRANSACTION_BOUNDS: ReadonlySet<string> = new Set(["BEGIN;", "COMMIT;"]);

/** Statements kept per connection; past this the least recently used one is finalized (koogate runs about a hundred distinct ones). */
export const MAX_PREPARED_STATEMENTS = 512;

/**
 * The SQL text kept per connection, in characters. A compiled statement takes about 55 bytes of memory
 * per character of its SQL (the group commit's 64-row inserts run to 100 kB each), so this bounds the
 * kept statements to about 3.5 MB (the RSS target of issue 21 is 150 MB); a statement longer than an
 * eighth of it is prepared, run and finalized as before, its prepare shared by the many rows it writes.
 */
export const MAX_KEPT_SQL_CHARS = 64_000;

type SqliteClientClass = new (config: Knex.Config) => Knex.Client;

/** Runs SQL made beforehand (./json-rows.ts) as a kept statement, on a connection of the pool. */
export interface KeptStatements {
  /**
   * Runs a statement as a kept one, the statement asked for once the connection is this caller's (a
   * batch taken late, ./coalescer.ts); `statement` may decline (undefined): nothing runs, and undefined
   * is returned.
   */
  runKeptLate(statement: () => { sql: string; bindings: unknown[] } | undefined, call: "all" | "run"): Promise<unknown[] | undefined>;
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
  /** per connection: its statements by SQL text, least recently used first, and their SQL's length in all */
  const kept = new WeakMap<DriverConnection, { byText: Map<string, DriverStatement>; chars: number }>();

  const finalize = (s: DriverStatement) => new Promise<void>((resolve) => s.finalize(() => resolve()));

  /** Keeps `s` for `sql`, letting the least recently used go past the bounds. */
  const keep = (k: { byText: Map<string, DriverStatement>; chars: number }, sql: string, s: DriverStatement) => {
    k.byText.set(sql, s);
    k.chars += sql.length;
    while (k.byText.size > MAX_PREPARED_STATEMENTS || k.chars > MAX_KEPT_SQL_CHARS) {
      const [oldest, s0] = k.byText.entries().next().value as [string, DriverStatement];
      k.byText.delete(oldest);
      k.chars -= oldest.length;
      void finalize(s0);
    }
  };

  /** The statement of `sql` on `conn`, prepared the first time (its error, if any, rejects); `kept` false: finalize it after its run. */
  const statementOf = (conn: DriverConnection, sql: string): { s: DriverStatement; kept: boolean } | Promise<{ s: DriverStatement; kept: boolean }> => {
    let k = kept.get(conn);
    if (!k) kept.set(conn, (k = { byText: new Map(), chars: 0 }));
    const s = k.byText.get(sql);
    if (s) {
      // most recently used last: the first one is the one to let go
      k.byText.delete(sql);
      k.byText.set(sql, s);
      return { s, kept: true };
    }
    const k1 = k;
    return new Promise((resolve, reject) => {
      const fresh = conn.prepare(sql, (err) => {
        if (err) return reject(err);
        if (sql.length > MAX_KEPT_SQL_CHARS / 8) return resolve({ s: fresh, kept: false });
        // two first uses at once: the one kept wins, the other is let go (an open statement stops a close)
        const first = k1.byText.get(sql);
        if (first) return void finalize(fresh).then(() => resolve({ s: first, kept: true }));
        keep(k1, sql, fresh);
        resolve({ s: fresh, kept: true });
      });
    });
  };

  const forget = (conn: DriverConnection, sql: string, s: DriverStatement) => {
    const k = kept.get(conn);
    if (k?.byText.get(sql) === s) {
      k.byText.delete(sql);
      k.chars -= sql.length;
    }
    void finalize(s);
  };

  /** Runs `sql` as the kept statement of `conn`: the driver's answer and its `this` (lastID, changes). */
  const execute = (conn: DriverConnection, sql: string, bindings: unknown[], call: "all" | "run") => {
    const run = ({ s, kept }: { s: DriverStatement; kept: boolean }) =>
      new Promise<[unknown, unknown]>((resolve, reject) => {
        s[call](bindings, function (this: unknown, err: Error | null, response?: unknown) {
          if (err || !kept) forget(conn, sql, s);
          if (err) return reject(err);
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
      const how = obj.method === undefined ? (obj.sql !== undefined && TRANSACTION_BOUNDS.has(obj.sql) ? "all" : undefined) : DATA_METHODS[obj.method];
      if (!how || !obj.sql) return super._query(connection, obj);
      return execute(connection as DriverConnection, obj.sql, obj.bindings ?? [], typeof how === "function" ? how(obj) : how).then(([response, context]) => {
        obj.response = response;
        // knex reads `lastID` and `changes` from here, as from the driver's own call
        obj.context = context;
        return obj;
      });
    }

    async runKeptLate(statement: () => { sql: string; bindings: unknown[] } | undefined, call: "all" | "run"): Promise<unknown[] | undefined> {
      const conn = (await this.acquireConnection()) as DriverConnection;
      try {
        const s = statement();
        if (!s) return undefined;
        // knex's 'query' event, as its own runner emits it: what counts statements (the bench) still sees this one
        (this as unknown as { emit(e: string, o: object): void }).emit("query", { __knexUid: (conn as { __knexUid?: string }).__knexUid, sql: s.sql, bindings: s.bindings });
        return ((await execute(conn, s.sql, s.bindings, call))[0] as unknown[] | undefined) ?? [];
      } finally {
        await this.releaseConnection(conn);
      }
    }

    override async destroyRawConnection(connection: unknown): Promise<void> {
      const k = kept.get(connection as DriverConnection);
      kept.delete(connection as DriverConnection);
      if (k) await Promise.all([...k.byText.values()].map(finalize));
      await (Base.prototype as unknown as { destroyRawConnection(c: unknown): Promise<void> }).destroyRawConnection.call(this, connection);
    }
  }
  return PreparedSqlite3 as unknown as SqliteClientClass;
}
