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
    private readonly db: Knex,
    private readonly columns: ReadonlyArray<keyof Row & string>,
    private readonly build: (rows: Row[]) => Knex.QueryBuilder,
    private readonly call: "all" | "run",
  ) {}

  /** Runs the statement for `rows`: the rows it returns (SQLite and PostgreSQL alike), or [] for `run`. */
  async run<Out = unknown>(rows: Row[]): Promise<Out[]> {
    const kept = keptStatements(this.db);
    const shape = kept && this.shapeOf(rows.length);
    if (!kept || !shape) {
      const out: unknown = await this.build(rows);
      return this.call === "all" ? (out as Out[]) : [];
    }
    const bindings = shape.slots.map((s) => ("value" in s ? s.value : rows[s.row]![s.column]));
    return (await kept.runKept(shape.sql, bindings, this.call)) as Out[];
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
