import { randomBytes } from "node:crypto";
import { inject, injectable } from "tsyringe";
import { DATABASE, type Knex } from "../tokens.js";
import { Coalescer } from "./coalescer.js";
import { JsonRowsStatement, jsonRowsSelect } from "./json-rows.js";

/** A successful run's answer, to be stored against its claim. */
export interface Completion {
  key: OperationKey;
  owner: string;
  response: string;
  instanceId: string;
  nowMs: number;
}

export interface OperationKey {
  productId: string;
  activity: string;
  /** the activity's idempotency key (docs/marketplace/saas.md §4), e.g. the order line of a newInstance */
  idemKey: string;
}

/** What a claim found. */
export type Claim =
  /** this call owns the operation: it must run it, then `complete` or `abandon` */
  | { kind: "owner"; owner: string; instanceId: string; takenOver: boolean }
  /** an earlier delivery already succeeded: answer its exact bytes */
  | { kind: "done"; instanceId: string; response: string }
  /** another delivery holds a live claim */
  | { kind: "busy"; instanceId: string; leaseUntil: number }
  /** the claim seen a moment ago was dropped: its delivery failed */
  | { kind: "gone" };

type Db = Knex | Knex.Transaction;

const TABLE = "koogate_operations";

const COLUMNS = ["product_id", "activity", "idem_key", "state", "instance_id", "response", "owner", "lease_until", "attempts", "created_at", "updated_at"] as const;
const KEY = "(`product_id`, `activity`, `idem_key`)";

/** The claims of a batch: the rows that went in say so by their owner (./json-rows.ts: one text for any batch size). */
const INSERT_CLAIMS = new JsonRowsStatement<Row>(
  `insert into \`${TABLE}\` (${COLUMNS.map((c) => `\`${c}\``).join(", ")}) ${jsonRowsSelect(COLUMNS)} on conflict ${KEY} do nothing returning \`owner\``,
  COLUMNS,
  (db, rows) => db(TABLE).insert(rows).onConflict(["product_id", "activity", "idem_key"]).ignore().returning("owner"),
  "all",
);

/** The rows of the given keys. */
const FIND_KEYS = new JsonRowsStatement<{ product_id: string; activity: string; idem_key: string }>(
  `select * from \`${TABLE}\` where ${KEY} in (${jsonRowsSelect(["product_id", "activity", "idem_key"])})`,
  ["product_id", "activity", "idem_key"],
  (db, keys) => db(TABLE).whereIn(["product_id", "activity", "idem_key"], keys.map((k) => [k.product_id, k.activity, k.idem_key])),
  "all",
);

/**
 * Completions: an upsert that only updates a pending row still held by the same owner. The row exists
 * (the owner inserted it and only the owner deletes it), so the insert half never applies: the WHERE
 * makes a holder whose lease was taken over change nothing, and RETURNING says so.
 */
const COMPLETE = new JsonRowsStatement<Row>(
  `insert into \`${TABLE}\` (${COLUMNS.map((c) => `\`${c}\``).join(", ")}) ${jsonRowsSelect(COLUMNS)} on conflict ${KEY} do update set \`state\` = 'done', \`response\` = excluded.response, \`updated_at\` = excluded.updated_at where \`${TABLE}\`.\`owner\` = excluded.owner and \`${TABLE}\`.\`state\` = 'pending' returning \`owner\``,
  COLUMNS,
  (db, rows) =>
    db(TABLE)
      .insert(rows)
      .onConflict(["product_id", "activity", "idem_key"])
      .merge({ state: "done", response: db.raw("excluded.response"), updated_at: db.raw("excluded.updated_at") })
      .where(`${TABLE}.owner`, db.raw("excluded.owner"))
      .andWhere(`${TABLE}.state`, "pending")
      .returning("owner"),
  "all",
);

/**
 * Claim owners: unique per process by a counter, across processes (and restarts) by a random prefix
 * drawn once, as the request ids are (core/serving/pipeline.ts). An owner only has to differ from every
 * other claim's, nothing is proven with it; random bytes per claim cost a trip into OpenSSL each.
 */
const OWNER_PREFIX = randomBytes(12).toString("base64url");
let ownerCounter = 0;
function nextOwner(): string {
  return `${OWNER_PREFIX}.${(++ownerCounter).toString(36)}`;
}

/** A row of koogate_operations. */
interface Row {
  product_id: string;
  activity: string;
  idem_key: string;
  state: string;
  instance_id: string;
  response: string | null;
  owner: string;
  lease_until: number;
  attempts: number;
  created_at: number;
  updated_at: number;
}

/**
 * Idempotency records. The primary key (product, activity, key) decides which of several concurrent
 * deliveries, in any number of processes sharing the database, runs the operation: the one whose insert
 * went in. The others see its row. A claim carries a lease, so the claim of a process that died mid-way
 * can be taken over by a later resend; a holder whose lease was taken can no longer complete.
 */
@injectable()
export class OperationStore {
  /**
   * Concurrent claims share one multi-row insert; the owners returned are the winners. The rows the
   * losers collided with are read back in one more statement, so a resend costs no query of its own.
   */
  private readonly claims = new Coalescer<Row, { won: true } | { won: false; existing?: Row }>(async (batch) => {
    // taken once the insert has the connection: the claims that came meanwhile go with it
    let rows: Row[] = [];
    const won = await INSERT_CLAIMS.run<{ owner: string }>(this.db, () => (rows = batch.take()));
    const owners = new Set(won.map((r) => r.owner));
    const lost = rows.filter((r) => !owners.has(r.owner));
    const existing = new Map<string, Row>();
    if (lost.length > 0) {
      const found = await FIND_KEYS.run<Row>(this.db, lost);
      for (const f of found) existing.set(JSON.stringify([f.product_id, f.activity, f.idem_key]), f);
    }
    return rows.map((r) =>
      owners.has(r.owner) ? { won: true as const } : { won: false as const, existing: existing.get(JSON.stringify([r.product_id, r.activity, r.idem_key])) },
    );
  }, 200, true);

  constructor(@inject(DATABASE) private readonly db: Knex) {}

  /** the database outside any transaction */
  get database(): Knex {
    return this.db;
  }

  /**
   * Claims `key` for this call, or reports who has it.
   * @param instanceId the instance the operation is for (for newInstance: this delivery's businessId,
   *   which becomes the instanceId only if this delivery is the first)
   */
  async claim(key: OperationKey, instanceId: string, nowMs: number, leaseMs: number): Promise<Claim> {
    const owner = nextOwner();
    const row = {
      product_id: key.productId,
      activity: key.activity,
      idem_key: key.idemKey,
      state: "pending",
      instance_id: instanceId,
      response: null,
      owner,
      lease_until: nowMs + leaseMs,
      attempts: 1,
      created_at: nowMs,
      updated_at: nowMs,
    };
    const result = await this.claims.submit(row);
    // A row holding this claim's own owner is this claim's insert: a batch whose insert went in but
    // whose read-back failed is retried item by item (core/store/coalescer.ts) and finds its own row.
    if (result.won || result.existing?.owner === owner) return { kind: "owner", owner, instanceId, takenOver: false };
    const seen = result.existing ? await this.interpret(key, result.existing, nowMs, leaseMs) : ({ kind: "gone" } as const);
    // the row we collided with was dropped meanwhile (its delivery failed): this delivery tries again
    return seen.kind === "gone" ? this.claim(key, instanceId, nowMs, leaseMs) : seen;
  }

  /** Looks at an existing claim again (a waiting resend polls with this); takes over an expired lease. */
  async inspect(key: OperationKey, nowMs: number, leaseMs: number): Promise<Claim> {
    const row: Row | undefined = await this.where(this.db, key).first();
    return row ? this.interpret(key, row, nowMs, leaseMs) : { kind: "gone" };
  }

  /** What an existing row means for a delivery that did not insert it; takes over an expired lease. */
  private async interpret(key: OperationKey, row: Row, nowMs: number, leaseMs: number): Promise<Claim> {
    if (row.state === "done") return { kind: "done", instanceId: row.instance_id, response: row.response! };
    if (Number(row.lease_until) >= nowMs) return { kind: "busy", instanceId: row.instance_id, leaseUntil: Number(row.lease_until) };
    const owner = nextOwner();
    const taken = await this.where(this.db, key)
      .andWhere("state", "pending")
      .andWhere("lease_until", "<", nowMs)
      .update({ owner, lease_until: nowMs + leaseMs, attempts: this.db.raw("attempts + 1"), updated_at: nowMs });
    if (taken === 1) return { kind: "owner", owner, instanceId: row.instance_id, takenOver: true };
    return this.inspect(key, nowMs, leaseMs);
  }

  /** Stores the answer of a successful run; false when this owner lost its claim meanwhile. */
  async complete(key: OperationKey, owner: string, response: string, nowMs: number, trx: Db): Promise<boolean> {
    return (await this.completeMany([{ key, owner, response, instanceId: "", nowMs }], trx))[0]!;
  }

  /**
   * Stores the answers of several successful runs in one statement: an upsert that only updates a
   * pending row still held by the same owner. @returns, per item, whether its owner still held it
   */
  async completeMany(items: readonly Completion[], trx: Db): Promise<boolean[]> {
    if (items.length === 0) return [];
    const rows = items.map((c) => ({
      product_id: c.key.productId,
      activity: c.key.activity,
      idem_key: c.key.idemKey,
      state: "done",
      instance_id: c.instanceId,
      response: c.response,
      owner: c.owner,
      lease_until: 0,
      attempts: 1,
      created_at: c.nowMs,
      updated_at: c.nowMs,
    }));
    const done = await COMPLETE.run<{ owner: string }>(trx, rows);
    const owners = new Set(done.map((r) => r.owner));
    return items.map((c) => owners.has(c.owner));
  }


  /** Drops a failed run's claim, so that the next resend tries again (a failure is never cached). */
  async abandon(key: OperationKey, owner: string, trx: Db): Promise<void> {
    await this.where(trx, key).andWhere({ state: "pending", owner }).delete();
  }

  private where(db: Db, key: OperationKey) {
    return db("koogate_operations").where({ product_id: key.productId, activity: key.activity, idem_key: key.idemKey });
  }
}
