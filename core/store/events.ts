import { inject, injectable } from "tsyringe";
import type { Verdict } from "../vocabulary.js";
import { DATABASE, type Knex } from "../tokens.js";

/** One line of the event log: every call to a known product, whatever its outcome. */
export interface EventRecord {
  at: number;
  /** the call's id, also on its log line; absent for background outcomes */
  requestId?: string | null;
  productId: string;
  /** the activity asked for; "" when the request was refused before one could be read */
  activity: string;
  instanceId?: string | null;
  idemKey?: string | null;
  verdict: Verdict;
  resultCode: string;
  /** the response bytes sent, with credentials redacted */
  response: string;
  durationMs: number;
  test: boolean;
  detail?: string | null;
}

export interface EventQuery {
  productId?: string;
  instanceId?: string;
  /** ms since the epoch */
  since?: number;
  /** default 100 */
  limit?: number;
}

/** The operator page's filters; each one given narrows the list. */
export interface EventSearch {
  productId?: string;
  activity?: string;
  verdict?: string;
  /** events of any of these instances */
  instanceIds?: readonly string[];
  /** default 100 */
  limit?: number;
}

export const EVENTS_TABLE = "koogate_events";

/** Text as PostgreSQL can store it: U+0000 (which it refuses) replaced, so that a hostile call is still logged. */
const text = (s: string) => (s.includes("\u0000") ? s.replace(/\u0000/g, "\uFFFD") : s);

@injectable()
export class EventLog {
  constructor(@inject(DATABASE) private readonly db: Knex) {}

  /** Appends one event, inside the caller's transaction when one is given. */
  async append(e: EventRecord, trx: Knex | Knex.Transaction = this.db): Promise<void> {
    await trx(EVENTS_TABLE).insert(EventLog.toRow(e));
  }

  /** The table row of an event. */
  static toRow(e: EventRecord): Record<string, unknown> {
    return {
      at: e.at,
      request_id: e.requestId ?? null,
      product_id: e.productId,
      activity: text(e.activity).slice(0, 32),
      instance_id: e.instanceId ? text(e.instanceId).slice(0, 64) : null,
      idem_key: e.idemKey ? text(e.idemKey) : null,
      verdict: e.verdict,
      result_code: e.resultCode,
      response: text(e.response),
      duration_ms: Math.round(e.durationMs),
      test: e.test,
      detail: e.detail ? text(e.detail).slice(0, 500) : null,
    };
  }

  /**
   * Rewrites what the event of a call says was answered (an answer sent at the deadline). The row is
   * found through the (product, at) index, then by its request id: no index of its own to maintain.
   */
  async amend(call: { productId: string; at: number; requestId: string }, patch: Pick<EventRecord, "verdict" | "resultCode" | "response" | "detail">): Promise<number> {
    return this.db(EVENTS_TABLE)
      .where({ product_id: call.productId, at: call.at, request_id: call.requestId })
      .update({ verdict: patch.verdict, result_code: patch.resultCode, response: text(patch.response), detail: patch.detail ? text(patch.detail).slice(0, 500) : null });
  }

  async list(q: EventQuery = {}): Promise<EventRecord[]> {
    let sql = this.db("koogate_events").orderBy("id", "desc").limit(q.limit ?? 100);
    if (q.productId) sql = sql.where("product_id", q.productId);
    if (q.instanceId) sql = sql.where("instance_id", q.instanceId);
    if (q.since !== undefined) sql = sql.where("at", ">=", q.since);
    const rows: Array<Record<string, unknown>> = await sql;
    return rows.reverse().map(fromRow);
  }

  /** The newest events matching every filter given, newest first. */
  async search(q: EventSearch): Promise<EventRecord[]> {
    let sql = this.db(EVENTS_TABLE).orderBy("id", "desc").limit(q.limit ?? 100);
    if (q.productId) sql = sql.where("product_id", q.productId);
    if (q.activity) sql = sql.where("activity", q.activity);
    if (q.verdict) sql = sql.where("verdict", q.verdict);
    if (q.instanceIds) sql = sql.whereIn("instance_id", [...q.instanceIds]);
    const rows: Array<Record<string, unknown>> = await sql;
    return rows.map(fromRow);
  }
}

function fromRow(r: Record<string, unknown>): EventRecord {
  return {
    at: Number(r.at),
    requestId: (r.request_id as string | null) ?? null,
    productId: String(r.product_id),
    activity: String(r.activity),
    instanceId: (r.instance_id as string | null) ?? null,
    idemKey: (r.idem_key as string | null) ?? null,
    verdict: r.verdict as Verdict,
    resultCode: String(r.result_code),
    response: String(r.response),
    durationMs: Number(r.duration_ms),
    test: Boolean(r.test),
    detail: (r.detail as string | null) ?? null,
  };
}
