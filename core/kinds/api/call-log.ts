/**
 * The per-buyer call log of API listings (table `koogate_api_calls`): one row per call to a known API
 * product, whatever became of it. Rows are written off the answer's path, many per statement (on one
 * SQLite connection every statement counts), and purged to each listing's retention and row cap, so a
 * flood costs bounded storage. `koogate calls` reads it.
 */
import type { Knex } from "knex";
import type { Logger } from "../../logger.js";
import { jsonRowsOfBuilder, type JsonRowsStatement } from "../../store/json-rows.js";
import type { CallOutcome } from "./vocabulary.js";

export const API_CALLS_TABLE = "koogate_api_calls";

/** One call, as logged. */
export interface CallRecord {
  at: number;
  productId: string;
  /** `X-Customer-Id` as the gateway sent it, if any */
  buyerId?: string | null;
  /** `X-Request-Id` as the gateway sent it, if any */
  requestId?: string | null;
  method: string;
  status: number;
  outcome: CallOutcome;
  durationMs: number;
  bytesIn: number;
  bytesOut: number;
  /** koogate's own fixed words (a refusal reason, "usage missing"); never a value from the request */
  note?: string | null;
}

export interface CallQuery {
  productId?: string;
  buyerId?: string;
  /** ms since the epoch */
  since?: number;
  /** default 100 */
  limit?: number;
}

/** Text PostgreSQL can store (it refuses U+0000), cut to a column's length. */
const text = (s: string | null | undefined, max: number) => (s ? s.replace(/\u0000/g, "\uFFFD").slice(0, max) : null);

const COLUMNS = ["at", "product_id", "buyer_id", "request_id", "method", "status", "outcome", "duration_ms", "bytes_in", "bytes_out", "note"] as const;

function toRow(r: CallRecord): Record<string, unknown> {
  return {
    at: r.at,
    product_id: r.productId,
    buyer_id: text(r.buyerId, 64),
    request_id: text(r.requestId, 64),
    method: text(r.method, 16) ?? "",
    status: r.status,
    outcome: r.outcome,
    duration_ms: Math.round(r.durationMs),
    bytes_in: r.bytesIn,
    bytes_out: r.bytesOut,
    note: text(r.note, 100),
  };
}

/** Rows per insert: on PostgreSQL 11 bound values each, well under its limit (SQLite takes them as one JSON text). */
const BATCH = 200;
/**
 * How long a recorded row waits for others to share its insert (issue 21): under load a statement per
 * turn of the event loop was a third of the API path's statements, each a thread-pool trip on SQLite.
 */
const LINGER_MS = 20;
/** Rows held in memory while the database is slow; beyond, the oldest are dropped and counted. */
const MAX_PENDING = 50_000;

export class CallLog {
  private pending: Array<Record<string, unknown>> = [];
  private flushing?: Promise<void>;
  /** ends the wait of the flush to come: a batch is full, or the log is flushed */
  private wake?: () => void;
  private dropped = 0;
  private readonly insert: JsonRowsStatement<Record<string, unknown>>;

  constructor(
    private readonly db: Knex,
    private readonly logger: Logger,
  ) {
    this.insert = jsonRowsOfBuilder(COLUMNS, (rows) => db(API_CALLS_TABLE).insert(rows), "run");
  }

  /**
   * Queues one row; it is written within LINGER_MS with the rows recorded meanwhile (at once when a
   * batch is full), off the answer's path. A crash may lose the rows of the last moment, as it always
   * could: the promises of a call (its signature claimed, its count) are kept before it is forwarded
   * (./admission.ts), not by this log.
   */
  record(r: CallRecord): void {
    if (this.pending.length >= MAX_PENDING) {
      this.pending.shift();
      if (this.dropped++ === 0) this.logger.warn("the API call log cannot keep up; dropping its oldest unwritten rows", {});
    }
    this.pending.push(toRow(r));
    this.flushing ??= new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, LINGER_MS);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }).then(() => this.drain());
    if (this.pending.length >= BATCH) this.wake?.();
  }

  /** Resolves once every row recorded so far is written (or has failed and been logged). */
  async flush(): Promise<void> {
    while (this.flushing) {
      this.wake?.();
      await this.flushing;
    }
  }

  private async drain(): Promise<void> {
    this.wake = undefined;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, BATCH);
      try {
        await this.insert.run(this.db, batch);
      } catch (e) {
        this.logger.warn("API call log rows could not be written", { rows: batch.length, error: (e as Error).message });
      }
    }
    this.flushing = undefined;
  }

  /**
   * Deletes a listing's rows older than its retention, then all but its newest `maxRows`.
   * @returns how many rows went
   */
  async purge(productId: string, keep: { retentionDays: number; maxRows: number }, nowMs: number): Promise<number> {
    let gone = await this.db(API_CALLS_TABLE).where("product_id", productId).where("at", "<", nowMs - keep.retentionDays * 86_400_000).delete();
    const edge = await this.db(API_CALLS_TABLE).where("product_id", productId).orderBy("id", "desc").offset(keep.maxRows).first("id");
    if (edge) gone += await this.db(API_CALLS_TABLE).where("product_id", productId).where("id", "<=", edge.id).delete();
    return gone;
  }

  /** The newest `limit` rows matching, oldest first. */
  async list(q: CallQuery = {}): Promise<CallRecord[]> {
    let sql = this.db(API_CALLS_TABLE).orderBy("id", "desc").limit(q.limit ?? 100);
    if (q.productId) sql = sql.where("product_id", q.productId);
    if (q.buyerId) sql = sql.where("buyer_id", q.buyerId);
    if (q.since !== undefined) sql = sql.where("at", ">=", q.since);
    const rows: Array<Record<string, unknown>> = await sql;
    return rows.reverse().map(callRecordOf);
  }
}

/** A row of the call-log table as a CallRecord (the call log and the operator page's search read it alike). */
export function callRecordOf(r: Record<string, unknown>): CallRecord {
  return {
    at: Number(r.at),
    productId: String(r.product_id),
    buyerId: (r.buyer_id as string | null) ?? null,
    requestId: (r.request_id as string | null) ?? null,
    method: String(r.method),
    status: Number(r.status),
    outcome: r.outcome as CallOutcome,
    durationMs: Number(r.duration_ms),
    bytesIn: Number(r.bytes_in),
    bytesOut: Number(r.bytes_out),
    note: (r.note as string | null) ?? null,
  };
}
