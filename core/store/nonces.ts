import { inject, injectable } from "tsyringe";
import { DATABASE, type Knex } from "../tokens.js";

/**
 * Nonces seen within the timestamp window. The primary key (product, nonce) refuses a replay in any
 * process sharing the database: the insert is the check.
 */
@injectable()
export class NonceStore {
  constructor(@inject(DATABASE) private readonly db: Knex) {}

  /** Remembers `nonce` until `expiresAt`; false when it was already there (a replay). */
  async claim(productId: string, nonce: string, expiresAt: number): Promise<boolean> {
    const rows = await this.db("koogate_nonces")
      .insert({ product_id: productId, nonce, expires_at: expiresAt })
      .onConflict(["product_id", "nonce"])
      .ignore()
      .returning("nonce");
    return rows.length === 1;
  }

  /** Forgets nonces whose window has passed; run from a timer, never on the request path. */
  async purge(nowMs: number): Promise<number> {
    return this.db("koogate_nonces").where("expires_at", "<", nowMs).delete();
  }
}
