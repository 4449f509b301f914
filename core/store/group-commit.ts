import { inject, injectable } from "tsyringe";
import { DATABASE, type Knex } from "../tokens.js";
import { Coalescer } from "./coalescer.js";
import { EVENTS_TABLE, EventLog, type EventRecord } from "./events.js";
import { insertRows } from "./json-rows.js";
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

/**
 * One transaction per call, shared by the calls that finish together: their statements, then one
 * multi-row insert per table, then one multi-row insert of their event rows, committed at once. If the
 * shared transaction fails, each call is committed alone, so one call's failure (a lost claim, a
 * constraint) fails that call only.
 */
@injectable()
export class GroupCommit {
  private readonly queue = new Coalescer<CommitUnit, Result>((units) => this.flush(units));

  constructor(
    @inject(DATABASE) private readonly db: Knex,
    private readonly ops: OperationStore,
  ) {}

  /** Resolves once `unit` is durable; rejects with the error that kept it from being stored. */
  async commit(unit: CommitUnit): Promise<void> {
    const r = await this.queue.submit(unit);
    if (!r.ok) throw r.error;
  }

  private async flush(units: CommitUnit[]): Promise<Result[]> {
    try {
      await this.write(units);
      return units.map(() => ({ ok: true }));
    } catch (batchError) {
      if (units.length === 1) return [{ ok: false, error: batchError }];
      const results: Result[] = [];
      for (const u of units) {
        try {
          await this.write([u]);
          results.push({ ok: true });
        } catch (error) {
          results.push({ ok: false, error });
        }
      }
      return results;
    }
  }

  private async write(units: CommitUnit[]): Promise<void> {
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
    const statements = async (trx: Knex | Knex.Transaction) => {
      for (const u of units) if (u.apply) await u.apply(trx as Knex.Transaction);
      // one statement per table whatever the batch size (./json-rows.ts)
      for (const [table, rows] of byTable) await insertRows(trx, table, rows);
      if ((await this.ops.completeMany(completes, trx)).some((held) => !held)) {
        throw new Error("an idempotency claim was taken over by a later delivery");
      }
      if (events.length > 0) await insertRows(trx, EVENTS_TABLE, events);
    };
    // A lone event row needs no transaction around it.
    if (byTable.size === 0 && completes.length === 0 && units.every((u) => !u.apply)) await statements(this.db);
    else await this.db.transaction(statements);
  }
}
