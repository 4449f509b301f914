import { inject, injectable } from "tsyringe";
import { DATABASE, type Knex } from "../tokens.js";
import { Coalescer, type LateBatch } from "./coalescer.js";
import { EVENTS_TABLE, EventLog, type EventRecord } from "./events.js";
import { insertRows, JsonRowsStatement, jsonRowsSelect } from "./json-rows.js";
import { OperationStore, type Completion } from "./operations.js";

/** What one call commits: its own statements, plain inserts, and its event row. */
export interface CommitUnit {
  /** statements of this call, run inside the shared transaction; throw to fail this call alone */
  apply?: (trx: Knex.Transaction) => Promise<void>;
  /** plain inserts, merged with the other calls' rows of the same table into one statement */
  inserts?: ReadonlyArray<{ table: string; row: Record<string, unknown> }>;
  /** idempotency claims this call completes, merged with the other calls' into one upsert */
  completes?: readonly Completion[];
  /** absent when the call's event row was written already (an answer sent at the deadline) */
  event?: EventRecord;
}

type Result = { ok: true } | { ok: false; error: unknown };

/** A call that commits nothing but its event row (if even that): no transaction needed. */
const eventOnly = (u: CommitUnit) => !u.apply && !u.inserts?.length && !u.completes?.length;

const EVENT_COLUMNS = Object.keys(EventLog.toRow({ at: 0, productId: "", activity: "", verdict: "processed", resultCode: "", response: "", durationMs: 0, test: false }));

/** The event rows of calls that commit nothing else, one text for any batch size (./json-rows.ts). */
const EVENT_ROWS = new JsonRowsStatement<Record<string, unknown>>(
  `insert into \`${EVENTS_TABLE}\` (${EVENT_COLUMNS.map((c) => `\`${c}\``).join(", ")}) ${jsonRowsSelect(EVENT_COLUMNS)}`,
  EVENT_COLUMNS,
  (db, rows) => db(EVENTS_TABLE).insert(rows),
  "run",
);

/**
 * One transaction per call, shared by the calls that finish together: their statements, then one
 * multi-row insert per table, then one multi-row insert of their event rows, committed at once. If the
 * shared transaction fails, each call is committed alone, so one call's failure (a lost claim, a
 * constraint) fails that call only.
 */
@injectable()
export class GroupCommit {
  private readonly queue = new Coalescer<CommitUnit, Result>((batch) => this.flush(batch), 200, true);

  constructor(
    @inject(DATABASE) private readonly db: Knex,
    private readonly ops: OperationStore,
  ) {}

  /** Resolves once `unit` is durable; rejects with the error that kept it from being stored. */
  async commit(unit: CommitUnit): Promise<void> {
    const r = await this.queue.submit(unit);
    if (!r.ok) throw r.error;
  }

  private async flush(batch: LateBatch<CommitUnit>): Promise<Result[]> {
    let units: CommitUnit[] | undefined;
    try {
      await this.write(batch.first, (fits) => (units = batch.take(fits)));
      return units!.map(() => ({ ok: true }));
    } catch (batchError) {
      // failed before it took its batch (the database could not be reached): the batch it would have taken
      units ??= batch.take();
      if (units.length === 1) return [{ ok: false, error: batchError }];
      const results: Result[] = [];
      for (const u of units) {
        try {
          await this.write(u, () => [u]);
          results.push({ ok: true });
        } catch (error) {
          results.push({ ok: false, error });
        }
      }
      return results;
    }
  }

  /**
   * Commits the batch `take` takes, once the database is ready for it: calls committing nothing but
   * their event row (as `first` does) in one insert without a transaction, taken when that insert has
   * the connection; else every call waiting, taken once the transaction has begun.
   */
  private async write(first: CommitUnit, take: (fits?: (u: CommitUnit) => boolean) => CommitUnit[]): Promise<void> {
    if (eventOnly(first)) {
      await EVENT_ROWS.run(this.db, () => take(eventOnly).flatMap((u) => (u.event ? [EventLog.toRow(u.event)] : [])));
      return;
    }
    await this.db.transaction((trx) => this.statements(trx, take()));
  }

  /** The statements of `units` in one transaction: each call's own, one insert per table, the completions, the event rows. */
  private async statements(trx: Knex.Transaction, units: CommitUnit[]): Promise<void> {
    const byTable = new Map<string, Array<Record<string, unknown>>>();
    for (const u of units) {
      for (const { table, row } of u.inserts ?? []) {
        const rows = byTable.get(table) ?? [];
        rows.push(row);
        byTable.set(table, rows);
      }
    }
    const events = units.flatMap((u) => (u.event ? [EventLog.toRow(u.event)] : []));
    const completes = units.flatMap((u) => u.completes ?? []);
    for (const u of units) if (u.apply) await u.apply(trx);
    // one statement per table whatever the batch size (./json-rows.ts)
    for (const [table, rows] of byTable) await insertRows(trx, table, rows);
    if ((await this.ops.completeMany(completes, trx)).some((held) => !held)) {
      throw new Error("an idempotency claim was taken over by a later delivery");
    }
    await EVENT_ROWS.run(trx, events);
  }
}
