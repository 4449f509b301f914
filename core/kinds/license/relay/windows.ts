/**
 * The relay's counters in the database (`koogate_relay_windows`): what every process of one database
 * shares (issue 20 item 4). A hit is one atomic upsert — `INSERT … ON CONFLICT DO UPDATE SET hits =
 * hits + 1 RETURNING hits`, the same SQL on SQLite and PostgreSQL — so two processes counting one
 * window at once see 1 and 2, never 1 and 1. Rows carry their expiry and are swept at most once a
 * minute per process: the table holds the open windows only.
 */
import { createHash } from "node:crypto";
import { inject, injectable } from "tsyringe";
import { DATABASE, type Knex } from "../../../tokens.js";

export const WINDOWS_TABLE = "koogate_relay_windows";

/** What a row counts: requests per address, per code, codes not seen per listing, codes the marketplace does not know, clients per code and day. */
export type WindowScope = "address" | "code" | "unknown" | "miss" | "clients";

type Db = Knex | Knex.Transaction;

const SWEEP_EVERY_MS = 60_000;

/** A subject as stored: as is up to 64 characters, else its SHA-256 (an address with a long zone id). */
function subjectOf(subject: string): string {
  return subject.length <= 64 ? subject : createHash("sha256").update(subject, "utf8").digest("hex");
}

@injectable()
export class RelayWindowStore {
  private lastSweep = 0;

  constructor(@inject(DATABASE) readonly db: Knex) {}

  /**
   * Counts `n` hits (default one) in a window and answers the window's hits, these included.
   * @param w the window: its start and when its row may go
   */
  async hit(scope: WindowScope, productId: string, subject: string, w: { start: number; expiresAt: number }, nowMs: number, trx: Db = this.db, n = 1): Promise<number> {
    await this.sweep(nowMs, trx);
    const rows: Array<{ hits: number | string }> = await trx(WINDOWS_TABLE)
      .insert({ scope, product_id: productId, subject: subjectOf(subject), window_start: w.start, hits: n, expires_at: w.expiresAt })
      .onConflict(["scope", "product_id", "subject", "window_start"])
      .merge({ hits: trx.raw("??.?? + ?", [WINDOWS_TABLE, "hits", n]) })
      .returning("hits");
    return Number(rows[0]?.hits ?? n);
  }

  /** Whether a mark (a row of any window) of `subject` is still unexpired. */
  async marked(scope: WindowScope, productId: string, subject: string, nowMs: number): Promise<boolean> {
    const row = await this.db(WINDOWS_TABLE).where({ scope, product_id: productId, subject: subjectOf(subject) }).andWhere("expires_at", ">", nowMs).first("hits");
    return row !== undefined;
  }

  /** Marks `subject` until `expiresAt` (one row, its expiry moved on by a later mark). */
  async mark(scope: WindowScope, productId: string, subject: string, expiresAt: number): Promise<void> {
    await this.db(WINDOWS_TABLE)
      .insert({ scope, product_id: productId, subject: subjectOf(subject), window_start: 0, hits: 1, expires_at: expiresAt })
      .onConflict(["scope", "product_id", "subject", "window_start"])
      .merge(["expires_at"]);
  }

  /** Drops the rows whose windows have ended, at most once a minute per process. */
  private async sweep(nowMs: number, trx: Db): Promise<void> {
    if (Math.abs(nowMs - this.lastSweep) < SWEEP_EVERY_MS) return;
    this.lastSweep = nowMs;
    await trx(WINDOWS_TABLE).where("expires_at", "<=", nowMs).del();
  }
}
