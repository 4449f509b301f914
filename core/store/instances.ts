import { inject, injectable } from "tsyringe";
import type { InstanceState } from "../vocabulary.js";
import { readTerms, storeTerms, type PurchaseTerms } from "../lifecycle/terms.js";
import { DATABASE, type Knex } from "../tokens.js";
import { Coalescer } from "./coalescer.js";
import { JsonRowsStatement, jsonRowsSelect } from "./json-rows.js";

export interface InstanceRow {
  productId: string;
  instanceId: string;
  orderId: string;
  orderLineId: string;
  businessId: string;
  state: InstanceState;
  expireAt: number | null;
  marketplaceProductId: string | null;
  test: boolean;
  /** sealed appInfo (core/crypto/at-rest.ts) */
  appInfoSealed: string | null;
  /** what was bought (1.0 quantities and period; core/lifecycle/terms.ts); absent when the call said nothing */
  terms?: PurchaseTerms;
  /** a trial (1.0 trialFlag=1), until a TRIAL_TO_FORMAL renewal */
  trial?: boolean;
  createdAt: number;
  updatedAt: number;
}

type Db = Knex | Knex.Transaction;

function fromRow(r: Record<string, unknown>): InstanceRow {
  return {
    productId: String(r.product_id),
    instanceId: String(r.instance_id),
    orderId: String(r.order_id),
    orderLineId: String(r.order_line_id),
    businessId: String(r.business_id),
    state: r.state as InstanceState,
    expireAt: r.expire_at === null || r.expire_at === undefined ? null : Number(r.expire_at),
    marketplaceProductId: (r.marketplace_product_id as string | null) ?? null,
    test: Boolean(r.test),
    appInfoSealed: (r.app_info_sealed as string | null) ?? null,
    ...optionalTerms(readTerms(r.terms)),
    trial: Boolean(r.trial),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function optionalTerms(terms: PurchaseTerms | undefined): { terms?: PurchaseTerms } {
  return terms ? { terms } : {};
}

export const INSTANCES_TABLE = "koogate_instances";

/** The instances of the given (product, instance) pairs: one text for any number of them (./json-rows.ts). */
const FIND_PAIRS = new JsonRowsStatement<{ product_id: string; instance_id: string }>(
  `select * from \`${INSTANCES_TABLE}\` where (\`product_id\`, \`instance_id\`) in (${jsonRowsSelect(["product_id", "instance_id"])})`,
  ["product_id", "instance_id"],
  (db, pairs) => db(INSTANCES_TABLE).whereIn(["product_id", "instance_id"], pairs.map((p) => [p.product_id, p.instance_id])),
  "all",
);

/** The instances koogate provisioned through an adapter, one per order line. */
@injectable()
export class InstanceStore {
  constructor(@inject(DATABASE) private readonly db: Knex) {}

  /** One instance; outside a transaction, concurrent lookups share one statement (as `getMany`'s). */
  async get(productId: string, instanceId: string, trx?: Db): Promise<InstanceRow | undefined> {
    if (!trx || trx === this.db) return (await this.getMany(productId, [instanceId]))[0];
    const r = await trx(INSTANCES_TABLE).where({ product_id: productId, instance_id: instanceId }).first();
    return r ? fromRow(r) : undefined;
  }

  /** The instances of `productId` among `instanceIds`; concurrent lookups share one statement. */
  async getMany(productId: string, instanceIds: readonly string[]): Promise<InstanceRow[]> {
    return this.lookups.submit({ productId, instanceIds });
  }

  private readonly lookups = new Coalescer<{ productId: string; instanceIds: readonly string[] }, InstanceRow[]>(async (batch) => {
    // taken once the select has the connection: the lookups that came meanwhile go with it
    let asks: Array<{ productId: string; instanceIds: readonly string[] }> = [];
    const rows = await FIND_PAIRS.run<Record<string, unknown>>(this.db, () => {
      asks = batch.take();
      return asks.flatMap((a) => a.instanceIds.map((id) => ({ product_id: a.productId, instance_id: id })));
    });
    const found = rows.map(fromRow);
    return asks.map((a) => found.filter((r) => r.productId === a.productId && a.instanceIds.includes(r.instanceId)));
  }, 200, true);

  async insert(row: InstanceRow, trx: Db = this.db): Promise<void> {
    await trx(INSTANCES_TABLE).insert(InstanceStore.toRow(row));
  }

  /** The table row of an instance. */
  /** A table row (as `toRow` made it) read back as an InstanceRow. */
  static fromRow(row: Record<string, unknown>): InstanceRow {
    return fromRow(row);
  }

  static toRow(row: InstanceRow): Record<string, unknown> {
    return {
      product_id: row.productId,
      instance_id: row.instanceId,
      order_id: row.orderId,
      order_line_id: row.orderLineId,
      business_id: row.businessId,
      state: row.state,
      expire_at: row.expireAt,
      marketplace_product_id: row.marketplaceProductId,
      test: row.test,
      app_info_sealed: row.appInfoSealed,
      terms: storeTerms(row.terms),
      trial: row.trial ?? false,
      created_at: row.createdAt,
      updated_at: row.updatedAt,
    };
  }

  /** Applies `changes` to one instance; returns how many rows changed (0 or 1). */
  async update(
    productId: string,
    instanceId: string,
    changes: Partial<Pick<InstanceRow, "state" | "expireAt" | "marketplaceProductId" | "appInfoSealed" | "terms" | "trial">> & { updatedAt: number },
    trx: Db = this.db,
  ): Promise<number> {
    const cols: Record<string, unknown> = { updated_at: changes.updatedAt };
    if (changes.state !== undefined) cols.state = changes.state;
    if (changes.expireAt !== undefined) cols.expire_at = changes.expireAt;
    if (changes.marketplaceProductId !== undefined) cols.marketplace_product_id = changes.marketplaceProductId;
    if (changes.appInfoSealed !== undefined) cols.app_info_sealed = changes.appInfoSealed;
    if (changes.terms !== undefined) cols.terms = storeTerms(changes.terms);
    if (changes.trial !== undefined) cols.trial = changes.trial;
    return trx("koogate_instances").where({ product_id: productId, instance_id: instanceId }).update(cols);
  }

  /** Per product, the instances still provisioning that were created before `before` (ms). */
  async provisioningSince(before: number): Promise<Map<string, number>> {
    const rows: Array<Record<string, unknown>> = await this.db(INSTANCES_TABLE)
      .select("product_id")
      .count({ n: "*" })
      .where("state", "provisioning")
      .andWhere("created_at", "<", before)
      .groupBy("product_id");
    return new Map(rows.map((r) => [String(r.product_id), Number(r.n)]));
  }

  /** The instances changed since `since` (ms; default all), oldest first, at most `limit` (default 10 000). */
  async list(q: { since?: number; orderId?: string; limit?: number } = {}): Promise<InstanceRow[]> {
    let sql = this.db(INSTANCES_TABLE).orderBy("created_at").limit(q.limit ?? 10_000);
    if (q.since !== undefined) sql = sql.where("updated_at", ">=", q.since);
    if (q.orderId !== undefined) sql = sql.where("order_id", q.orderId);
    const rows: Array<Record<string, unknown>> = await sql;
    return rows.map(fromRow);
  }
}
