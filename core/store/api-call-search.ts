/**
 * The operator page's view of API listings' call logs (core/kinds/api/call-log.ts writes them): the
 * newest calls matching every filter given, through the (product_id, at) index.
 */
import type { Knex } from "knex";
import { callRecordOf, type CallRecord } from "../kinds/api/call-log.js";

export interface ApiCallSearch {
  productId: string;
  buyerId?: string;
  outcome?: string;
  /** default 200 */
  limit?: number;
}

/** The newest calls of an API listing matching every filter, newest first. */
export async function searchApiCalls(db: Knex, q: ApiCallSearch): Promise<CallRecord[]> {
  let sql = db("koogate_api_calls").where("product_id", q.productId).orderBy("at", "desc").orderBy("id", "desc").limit(q.limit ?? 200);
  if (q.buyerId) sql = sql.where("buyer_id", q.buyerId);
  if (q.outcome) sql = sql.where("outcome", q.outcome);
  const rows: Array<Record<string, unknown>> = await sql;
  return rows.map(callRecordOf);
}
