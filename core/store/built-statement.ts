/**
 * A statement of the hot path built by knex once per number of rows, not once per call (issue 21):
 * knex's builder costs more than the statement itself on SQLite. The first batch of n rows builds the
 * SQL from rows of markers, which tells where each row's value goes among the bindings; later batches
 * of n rows reuse that SQL with their own values, run as a kept statement (./sqlite-client.ts). On
 * PostgreSQL (or SQLite opened without kept statements) the builder runs as before.
 */
import type { Knex } from "knex";
import { keptStatements } from "./sqlite-client.js";

/** Where a binding comes from: a row's column, or a value of the statement itself. */
type Slot = { row: number; column: string } | { value: unknown };

interface Shape {
  sql: string;
  slots: Slot[];
}

/** Batches are built for at most this many distinct row counts; others run through the builder. */
const MAX_SHAPES = 256;

export class BuiltStatement<Row extends Record<string, unknown>> {
  private readonly shapes = new Map<number, Shape>();

  /**
   * @param build the statement for `rows`; it must put each value of a row into the bindings as given
   *   (an insert of the rows does), and take the same columns from every row
   * @param call how the driver runs it: `all` when it returns rows, else `run`
   */
  constructor(
    protected readonly db: Knex,
    protected readonly columns: ReadonlyArray<keyof Row & string>,
    protected readonly build: (rows: Row[]) => Knex.QueryBuilder,
    protected readonly call: "all" | "run",
  ) {}

  /** Runs the statement for `rows`: the rows it returns (SQLite and PostgreSQL alike), or [] for `run`. */
  async run<Out = unknown>(rows: Row[]): Promise<Out[]> {
    const kept = keptStatements(this.db);
    const shape = kept && this.shapeOf(rows.length);
    if (!kept || !shape) return this.viaBuilder(rows);
    const bindings = shape.slots.map((s) => ("value" in s ? s.value : rows[s.row]![s.column]));
    return (await kept.runKept(shape.sql, bindings, this.call)) as Out[];
  }

  /** The statement through knex's builder, as it comes (PostgreSQL; SQLite without kept statements). */
  protected async viaBuilder<Out>(rows: Row[]): Promise<Out[]> {
    const out: unknown = await this.build(rows);
    return this.call === "all" ? (out as Out[]) : [];
  }

  private shapeOf(n: number): Shape | undefined {
    let shape = this.shapes.get(n);
    if (shape || this.shapes.size >= MAX_SHAPES) return shape;
    const marker = (row: number, column: string) => `\u0000koogate:${row}:${column}`;
    const markers = Array.from({ length: n }, (_, row) => Object.fromEntries(this.columns.map((c) => [c, marker(row, c)])) as Row);
    const { sql, bindings } = this.build(markers).toSQL();
    const slots: Slot[] = (bindings as unknown[]).map((b) => {
      const m = typeof b === "string" ? /^\u0000koogate:(\d+):(.+)$/.exec(b) : null;
      return m ? { row: Number(m[1]), column: m[2]! } : { value: b };
    });
    const placed = slots.filter((s) => "row" in s).length;
    // a builder that did not place every value once cannot be reused this way: a programming error
    if (placed !== n * this.columns.length) throw new Error(`BuiltStatement: ${placed} of ${n * this.columns.length} values placed in ${sql.slice(0, 60)}`);
    this.shapes.set(n, (shape = { sql, slots }));
    return shape;
  }
}

/**
 * An insert of many rows whose rows reach SQLite as one JSON text, read back by `json_each(?)`: one SQL
 * text for any number of rows, so the statement is prepared once per connection and kept. BuiltStatement's
 * text per batch size is not kept where batch sizes vary: the API path's three statements, at up to 64
 * sizes each, outgrow the kept statements' characters (./sqlite-client.ts), and in the bench 62 % of their
 * runs prepared their statement anew (a thread-pool trip and a parse each). The SQL is knex's own for one
 * row, its `values (?, …)` replaced by a select of the JSON's rows (`where true`: SQLite's rule for an
 * upsert from a select). PostgreSQL, or SQLite without kept statements: knex's builder, as BuiltStatement.
 *
 * Values must be what JSON carries as SQLite reads them back: text, finite numbers (integers stay
 * integers), null.
 */
export class JsonRowsStatement<Row extends Record<string, unknown>> extends BuiltStatement<Row> {
  private shape?: { sql: string; columns: ReadonlyArray<keyof Row & string> };

  /** `build`: the insert of `rows` (an upsert may follow), putting each value of a row into the bindings as given, nothing else. */
  override async run<Out = unknown>(rows: Row[]): Promise<Out[]> {
    const kept = keptStatements(this.db);
    if (!kept) return this.viaBuilder(rows);
    const { sql, columns } = (this.shape ??= this.shapeOfOneRow());
    const json = JSON.stringify(rows.map((r) => columns.map((c) => r[c] ?? null)));
    return (await kept.runKept(sql, [json], this.call)) as Out[];
  }

  private shapeOfOneRow(): { sql: string; columns: ReadonlyArray<keyof Row & string> } {
    const marker = (column: string) => `\u0000koogate:${column}`;
    const { sql, bindings } = this.build([Object.fromEntries(this.columns.map((c) => [c, marker(c)])) as Row]).toSQL();
    const columns = (bindings as unknown[]).map((b) => (typeof b === "string" && b.startsWith("\u0000koogate:") ? b.slice(9) : undefined));
    const values = `values (${columns.map(() => "?").join(", ")})`;
    // a builder that binds anything but each value of its row once, or writes no plain `values (…)`: a programming error
    if (columns.length !== this.columns.length || columns.some((c) => c === undefined) || new Set(columns).size !== columns.length || sql.split(values).length !== 2) {
      throw new Error(`JsonRowsStatement: not a plain insert of the row's ${this.columns.length} values: ${sql.slice(0, 80)}`);
    }
    const select = `select ${columns.map((_, i) => `value ->> ${i}`).join(", ")} from json_each(?) where true`;
    return { sql: sql.replace(values, select), columns: columns as Array<keyof Row & string> };
  }
}
