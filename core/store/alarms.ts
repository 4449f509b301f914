/**
 * The delisting-risk alarm's raised conditions, kept in the database (table `koogate_alarms`, one row
 * per product and condition) so that several koogate processes on one database raise — and post —
 * each condition once, and every operator page lists the same ones. The row is the claim: the process
 * whose insert added it posts the alert (`onConflict().ignore()`, the same on SQLite and PostgreSQL).
 */
import type { Knex } from "knex";
import type { Alert, AlarmCondition, RaisedAlarms } from "../ops/alarm.js";

export const ALARMS_TABLE = "koogate_alarms";

export class StoredAlarms implements RaisedAlarms {
  constructor(private readonly db: Knex) {}

  async claim(a: Alert): Promise<boolean> {
    const row = { product_id: a.product, condition: a.condition, figure: a.figure, threshold: a.threshold, text: a.text.slice(0, 500), look: a.look.slice(0, 255), raised_at: a.at };
    const added: unknown[] = await this.db(ALARMS_TABLE).insert(row).onConflict(["product_id", "condition"]).ignore().returning("product_id");
    return added.length === 1;
  }

  async release(a: Pick<Alert, "product" | "condition">): Promise<void> {
    await this.db(ALARMS_TABLE).where({ product_id: a.product, condition: a.condition }).delete();
  }

  async clearExcept(still: ReadonlyArray<Pick<Alert, "product" | "condition">>, before: number): Promise<Alert[]> {
    const keep = new Set(still.map((a) => `${a.product}\u0000${a.condition}`));
    const cleared = (await this.list()).filter((a) => a.at <= before && !keep.has(`${a.product}\u0000${a.condition}`));
    // the time again in the delete: a row raised anew since the list is another raise, and stays
    for (const a of cleared) await this.db(ALARMS_TABLE).where({ product_id: a.product, condition: a.condition }).andWhere("raised_at", "<=", before).delete();
    return cleared;
  }

  async list(): Promise<Alert[]> {
    const rows: Array<Record<string, unknown>> = await this.db(ALARMS_TABLE).orderBy("raised_at").orderBy("product_id").limit(1000);
    return rows.map((r) => ({
      product: String(r.product_id),
      condition: String(r.condition) as AlarmCondition,
      figure: Number(r.figure),
      threshold: Number(r.threshold),
      text: String(r.text),
      look: String(r.look),
      at: Number(r.raised_at),
    }));
  }
}
