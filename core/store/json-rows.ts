/**
 * Multi-row statements of the production path whose SQL does not depend on how many rows they carry
 * (issue 21). A batch of the group commit (./group-commit.ts) or of the idempotency claims
 * (./operations.ts) holds as many rows as calls arrived together, so knex builds a new text for every
 * batch size, and on SQLite each text is a statement of its own: built by knex on every batch, and
 * prepared again whenever the least recently used kept statements (./sqlite-client.ts) were let go,
 * which under load was about every other batch. Here, on SQLite opened with kept statements, the rows
 * are bound as ONE JSON array of arrays and read back by SQLite's `json_each`: one text per statement,
 * prepared once per connection, whatever the batch size, with nothing for knex to build.
 *
 * Stored values stay what knex would have stored: a batch is sent this way only when every value is
 * one JSON carries exactly (null, a boolean, a safe integer, a well-formed string: NUL bytes included);
 * any other value (a fraction, a lone surrogate, a Buffer, a Date) sends that batch through knex's
 * builder as before. The columns a caller gives integers to are integer columns, so an integer is
 * stored as an integer either way. On PostgreSQL, or SQLite opened without kept statements, knex runs
 * every batch as before. A SQLite built without JSON functions refuses to prepare the text: that
 * statement then goes through knex for good.
 */
import type { Knex } from "knex";
import { keptStatements } from "./sqlite-client.js";

type Db = Knex | Knex.Transaction;

/** In Unicode mode a surrogate pair is one code point: only a lone surrogate matches. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Whether `v` is stored the same through JSON as bound by the driver. */
function carriesExactly(v: unknown): boolean {
  switch (typeof v) {
    case "string":
      // a lone surrogate: the driver stores U+FFFD, JSON would not
      return !LONE_SURROGATE.test(v);
    case "number":
      return Number.isSafeInteger(v) && !Object.is(v, -0);
    case "boolean":
    case "undefined":
      return true;
    default:
      return v === null;
  }
}

/** A name SQLite reads as it is (the tables and columns of koogate's own schema and of the kinds'). */
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isPlainName(name: string): boolean {
  return PLAIN_NAME.test(name);
}

/**
 * The rows of the one JSON binding as a SELECT: column i of every row, in the rows' order.
 * `WHERE true` lets an `ON CONFLICT` follow an `INSERT … SELECT` (SQLite's parser needs it).
 */
export function jsonRowsSelect(columns: readonly string[]): string {
  return `select ${columns.map((c, i) => `json_extract(value, '$[${i}]') as \`${c}\``).join(", ")} from json_each(?) where true`;
}

export class JsonRowsStatement<Row extends object> {
  /** false once SQLite refused the text (no JSON functions): knex builds every batch from then on */
  private usable = true;

  /**
   * @param sql the SQLite text, with exactly one `?`: where the rows go (jsonRowsSelect gives them as a SELECT)
   * @param columns the columns of each row, in the order `sql` reads them
   * @param viaKnex the same statement through knex's builder, for the batches this cannot carry and for PostgreSQL
   * @param call how the driver runs `sql`: `all` when it returns rows, else `run`
   */
  constructor(
    private readonly sql: string,
    private readonly columns: ReadonlyArray<keyof Row & string>,
    private readonly viaKnex: (db: Db, rows: Row[]) => Knex.QueryBuilder | Knex.Raw,
    private readonly call: "all" | "run",
  ) {}

  /**
   * Runs the statement for `rows` on `db` (a transaction: on its connection): the rows it returns, or []
   * for `run` or for no rows. `rows` may be a function: it is then called once the statement has the
   * connection on SQLite (a batch taken late, ./coalescer.ts), at once otherwise.
   */
  async run<Out = unknown>(db: Db, rows: readonly Row[] | (() => readonly Row[])): Promise<Out[]> {
    const kept = this.usable ? keptStatements(db) : null;
    let taken = typeof rows === "function" ? undefined : rows;
    const rowsNow = () => (taken ??= (rows as () => readonly Row[])());
    if (kept) {
      try {
        const out = await kept.runKeptLate(() => {
          const values = rowsNow().length > 0 ? this.valuesOf(rowsNow()) : undefined;
          return values && { sql: this.sql, bindings: [JSON.stringify(values)] };
        }, this.call);
        if (out) return out as Out[];
      } catch (e) {
        if (!/no such function: json_/.test(String((e as Error).message))) throw e;
        this.usable = false;
      }
    }
    if (rowsNow().length === 0) return [];
    const out: unknown = await this.viaKnex(db, [...rowsNow()]);
    return this.call === "all" ? (out as Out[]) : [];
  }

  /** The rows as arrays in column order, or undefined when a value would not come back the same. */
  private valuesOf(rows: readonly Row[]): unknown[][] | undefined {
    const out: unknown[][] = [];
    for (const row of rows) {
      const values: unknown[] = [];
      for (const c of this.columns) {
        const v: unknown = row[c];
        if (!carriesExactly(v)) return undefined;
        values.push(v ?? null);
      }
      out.push(values);
    }
    return out;
  }
}

/** Most distinct (table, columns) inserts kept by `plainInsert`; past it, knex builds them. */
const MAX_PLAIN_INSERTS = 64;
const plainInserts = new Map<string, JsonRowsStatement<Record<string, unknown>>>();

/**
 * The multi-row insert of `rows` into `table` (the group commit's plain inserts, its event rows): one
 * statement, its columns the union of the rows' keys (a key a row lacks is NULL, as knex inserts it).
 */
export async function insertRows(db: Db, table: string, rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))].sort();
  const key = `${table}\u0000${columns.join(",")}`;
  let statement = plainInserts.get(key);
  if (!statement && plainInserts.size < MAX_PLAIN_INSERTS && [table, ...columns].every(isPlainName)) {
    statement = new JsonRowsStatement(`insert into \`${table}\` (${columns.map((c) => `\`${c}\``).join(", ")}) ${jsonRowsSelect(columns)}`, columns, (d, r) => d(table).insert(r), "run");
    plainInserts.set(key, statement);
  }
  if (statement) await statement.run(db, rows);
  else await db(table).insert([...rows]);
}
