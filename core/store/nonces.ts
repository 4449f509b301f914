import { inject, injectable } from "tsyringe";
import { DATABASE, type Knex } from "../tokens.js";
import { Coalescer, type LateBatch } from "./coalescer.js";
import { JsonRowsStatement, jsonRowsSelect } from "./json-rows.js";

interface NonceRow extends Record<string, unknown> {
  product_id: string;
  scope: string;
  nonce: string;
  expires_at: number;
}

interface NonceClaim {
  productId: string;
  /** the signed interface the nonce belongs to: nonces of two interfaces never collide */
  scope: string;
  nonce: string;
  expiresAt: number;
}

const COLUMNS = ["product_id", "scope", "nonce", "expires_at"] as const;

/** The claims of a batch, one text for any batch size (./json-rows.ts); the nonces that went in come back. */
const INSERT = new JsonRowsStatement<NonceRow>(
  `insert into \`koogate_nonces\` (${COLUMNS.map((c) => `\`${c}\``).join(", ")}) ${jsonRowsSelect(COLUMNS)} on conflict (\`product_id\`, \`scope\`, \`nonce\`) do nothing returning \`product_id\`, \`scope\`, \`nonce\``,
  COLUMNS,
  (db, rows) => db("koogate_nonces").insert(rows).onConflict(["product_id", "scope", "nonce"]).ignore().returning(["product_id", "scope", "nonce"]),
  "all",
);

/**
 * Nonces seen within the timestamp window. The primary key (product, scope, nonce) refuses a replay in any
 * process sharing the database: the insert is the check. Concurrent claims share one multi-row insert.
 */
@injectable()
export class NonceStore {
  private readonly claims = new Coalescer<NonceClaim, boolean>((batch) => this.insertMany(batch), 200, true);

  constructor(@inject(DATABASE) private readonly db: Knex) {}

  /** Remembers `nonce` until `expiresAt`; false when it was already there (a replay). */
  claim(productId: string, scope: string, nonce: string, expiresAt: number): Promise<boolean> {
    return this.claims.submit({ productId, scope, nonce, expiresAt });
  }

  /** Forgets nonces whose window has passed; run from a timer, never on the request path. */
  async purge(nowMs: number): Promise<number> {
    return this.db("koogate_nonces").where("expires_at", "<", nowMs).delete();
  }

  /** The batch is taken once the insert has the connection: the claims that came meanwhile go with it. */
  private async insertMany(batch: LateBatch<NonceClaim>): Promise<boolean[]> {
    let items: NonceClaim[] = [];
    const rows = await INSERT.run<{ product_id: string; scope: string; nonce: string }>(this.db, () =>
      (items = batch.take()).map((c) => ({ product_id: c.productId, scope: c.scope, nonce: c.nonce, expires_at: c.expiresAt })),
    );
    const inserted = new Set(rows.map((r) => JSON.stringify([r.product_id, r.scope, r.nonce])));
    // The same nonce twice in one batch: the first wins, like two inserts in a row.
    return items.map((c) => inserted.delete(JSON.stringify([c.productId, c.scope, c.nonce])));
  }
}
