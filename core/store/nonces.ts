import { inject, injectable } from "tsyringe";
import { DATABASE, type Knex } from "../tokens.js";
import { BuiltStatement, JsonRowsStatement } from "./built-statement.js";
import { Coalescer } from "./coalescer.js";

interface NonceRow extends Record<string, unknown> {
  product_id: string;
  scope: string;
  nonce: string;
  expires_at: number;
}

export interface NonceClaim {
  productId: string;
  /** the signed interface the nonce belongs to: nonces of two interfaces never collide */
  scope: string;
  nonce: string;
  expiresAt: number;
}

/**
 * Nonces seen within the timestamp window. The primary key (product, scope, nonce) refuses a replay in any
 * process sharing the database: the insert is the check. Concurrent claims share one multi-row insert.
 */
@injectable()
export class NonceStore {
  private readonly claims = new Coalescer<NonceClaim, boolean>((items) => this.insertMany(items));
  private readonly insert: BuiltStatement<NonceRow>;
  private readonly insertJson: JsonRowsStatement<NonceRow>;

  constructor(@inject(DATABASE) private readonly db: Knex) {
    const build = (rows: NonceRow[]) => db("koogate_nonces").insert(rows).onConflict(["product_id", "scope", "nonce"]).ignore().returning(["product_id", "scope", "nonce"]);
    this.insert = new BuiltStatement(db, ["product_id", "scope", "nonce", "expires_at"], build, "all");
    this.insertJson = new JsonRowsStatement(db, ["product_id", "scope", "nonce", "expires_at"], build, "all");
  }

  /** Remembers `nonce` until `expiresAt`; false when it was already there (a replay). */
  claim(productId: string, scope: string, nonce: string, expiresAt: number): Promise<boolean> {
    return this.claims.submit({ productId, scope, nonce, expiresAt });
  }

  /**
   * Claims a batch its caller gathered itself (the API path claims and counts its calls in one flush,
   * core/kinds/api/admission.ts): one statement, one SQL text whatever the batch's size. Each result says
   * whether its nonce was fresh; the same nonce twice in `claims`: the first wins.
   * @throws when the statement fails: nothing of the batch was claimed
   */
  async claimMany(claims: readonly NonceClaim[]): Promise<boolean[]> {
    return this.freshOf(claims, await this.insertJson.run(claims.map(rowOf)));
  }

  /** Forgets nonces whose window has passed; run from a timer, never on the request path. */
  async purge(nowMs: number): Promise<number> {
    return this.db("koogate_nonces").where("expires_at", "<", nowMs).delete();
  }

  private async insertMany(items: NonceClaim[]): Promise<boolean[]> {
    return this.freshOf(items, await this.insert.run(items.map(rowOf)));
  }

  private freshOf(items: readonly NonceClaim[], rows: unknown[]): boolean[] {
    const inserted = new Set((rows as Array<{ product_id: string; scope: string; nonce: string }>).map((r) => JSON.stringify([r.product_id, r.scope, r.nonce])));
    // The same nonce twice in one batch: the first wins, like two inserts in a row.
    return items.map((c) => inserted.delete(JSON.stringify([c.productId, c.scope, c.nonce])));
  }
}

function rowOf(c: NonceClaim): NonceRow {
  return { product_id: c.productId, scope: c.scope, nonce: c.nonce, expires_at: c.expiresAt };
}
