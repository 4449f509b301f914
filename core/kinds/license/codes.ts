/**
 * The authorization codes koogate has seen (koogate_license_codes). A code is a bearer credential: the
 * table, the event log and the log lines name it by its digest (`codeRef`), never in clear.
 */
import { createHash } from "node:crypto";
import { inject, injectable } from "tsyringe";
import { DATABASE, type Knex } from "../../tokens.js";
import type { LifecycleState } from "../../lifecycle/table.js";

export const CODES_TABLE = "koogate_license_codes";

/**
 * What the production interface last applied to a code (a lifecycle state of core/lifecycle/table.ts;
 * codes follow its 2.0 rules, so never `expired`). Column `koogate_license_codes.status`.
 */
export type CodeStatus = Exclude<LifecycleState, "expired">;

export interface CodeRow {
  productId: string;
  codeDigest: string;
  codeHint: string;
  status: CodeStatus;
  marketplaceStatus: string | null;
  orderId: string | null;
  orderLineId: string | null;
  orderRank: number | null;
  marketplaceProductId: string | null;
  /** the order the code was bought with, as its activation answered it */
  purchaseOrderId: string | null;
  /** the SKU the relay read from that order */
  skuCode: string | null;
  expireAt: number | null;
  activatedAt: number | null;
  checkedOn: string | null;
  lastQueryAt: number | null;
  test: boolean;
  createdAt: number;
  updatedAt: number;
}

/** The hex SHA-256 of a code: how it is stored and looked up. */
export function codeDigest(code: string): string {
  return createHash("sha256").update(code, "utf8").digest("hex");
}

/** How a code is named in the event log and log lines: `code:<first 16 hex of its digest>`. */
export function codeRef(code: string): string {
  return `code:${codeDigest(code).slice(0, 16)}`;
}

/** The last four characters, for a person matching a row to a code they hold. */
export function codeHint(code: string): string {
  return code.slice(-4);
}

type Db = Knex | Knex.Transaction;

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

function fromRow(r: Record<string, unknown>): CodeRow {
  return {
    productId: String(r.product_id),
    codeDigest: String(r.code_digest),
    codeHint: String(r.code_hint),
    status: r.status as CodeStatus,
    marketplaceStatus: str(r.marketplace_status),
    orderId: str(r.order_id),
    orderLineId: str(r.order_line_id),
    orderRank: num(r.order_rank),
    marketplaceProductId: str(r.marketplace_product_id),
    purchaseOrderId: str(r.purchase_order_id),
    skuCode: str(r.sku_code),
    expireAt: num(r.expire_at),
    activatedAt: num(r.activated_at),
    checkedOn: str(r.checked_on),
    lastQueryAt: num(r.last_query_at),
    test: Boolean(r.test),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

/** Columns that may be changed on an existing row. */
export type CodeChanges = Partial<Omit<CodeRow, "productId" | "codeDigest" | "codeHint" | "createdAt" | "test">> & { updatedAt: number };

const COLUMNS: Record<keyof Omit<CodeChanges, "updatedAt">, string> = {
  status: "status",
  marketplaceStatus: "marketplace_status",
  orderId: "order_id",
  orderLineId: "order_line_id",
  orderRank: "order_rank",
  marketplaceProductId: "marketplace_product_id",
  purchaseOrderId: "purchase_order_id",
  skuCode: "sku_code",
  expireAt: "expire_at",
  activatedAt: "activated_at",
  checkedOn: "checked_on",
  lastQueryAt: "last_query_at",
};

@injectable()
export class LicenseCodeStore {
  constructor(@inject(DATABASE) readonly db: Knex) {}

  async get(productId: string, code: string, trx: Db = this.db): Promise<CodeRow | undefined> {
    const r = await trx(CODES_TABLE).where({ product_id: productId, code_digest: codeDigest(code) }).first();
    return r ? fromRow(r) : undefined;
  }

  /** The rows of a product's codes named by digest (those it has), read in one statement. */
  async byDigests(productId: string, digests: readonly string[]): Promise<CodeRow[]> {
    const rows: Array<Record<string, unknown>> = await this.db(CODES_TABLE).where({ product_id: productId }).whereIn("code_digest", digests);
    return rows.map(fromRow);
  }

  /**
   * Records a code on first contact (the marketplace is the authority on which codes exist,
   * docs/marketplace/license.md §2.1), as active and with nothing else known; an existing row is left as it is.
   */
  async ensure(productId: string, code: string, test: boolean, nowMs: number, trx: Db): Promise<void> {
    await trx(CODES_TABLE)
      .insert({
        product_id: productId,
        code_digest: codeDigest(code),
        code_hint: codeHint(code),
        status: "active",
        test,
        created_at: nowMs,
        updated_at: nowMs,
      })
      .onConflict(["product_id", "code_digest"])
      .ignore();
  }

  /** A product's codes, most recently changed first, at most `limit` (default 200): the operator page's listing. */
  async list(productId: string, limit = 200): Promise<CodeRow[]> {
    const rows: Array<Record<string, unknown>> = await this.db(CODES_TABLE).where({ product_id: productId }).orderBy("updated_at", "desc").limit(limit);
    return rows.map(fromRow);
  }

  async update(productId: string, code: string, changes: CodeChanges, trx: Db = this.db): Promise<number> {
    const cols: Record<string, unknown> = { updated_at: changes.updatedAt };
    for (const [k, col] of Object.entries(COLUMNS)) {
      const v = changes[k as keyof typeof COLUMNS];
      if (v !== undefined) cols[col] = v;
    }
    return trx(CODES_TABLE).where({ product_id: productId, code_digest: codeDigest(code) }).update(cols);
  }
}
