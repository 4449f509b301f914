import type { ReconcileReport } from "../ops/reconcile.js";
import type { Knex } from "../tokens.js";

export const RECONCILIATIONS_TABLE = "koogate_reconciliations";

/** The reports of past reconciliations; the operator page shows the newest. */
export class ReconciliationStore {
  constructor(private readonly db: Knex) {}

  async save(r: ReconcileReport): Promise<void> {
    await this.db(RECONCILIATIONS_TABLE).insert({ at: r.at, orders: r.orders, mismatches: r.mismatches.length, report: JSON.stringify(r) });
  }

  /** The newest report, if any ran. */
  async latest(): Promise<ReconcileReport | undefined> {
    const row = await this.db(RECONCILIATIONS_TABLE).orderBy("id", "desc").first();
    return row ? (JSON.parse(String(row.report)) as ReconcileReport) : undefined;
  }
}
