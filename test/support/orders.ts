import { randomUUID } from "node:crypto";
import type { Knex } from "knex";

let n = 0;

/** A fresh newInstance body, as KooGallery sends it (a new businessId on every delivery). */
export function newInstanceBody(order?: { orderId: string; orderLineId: string }, testFlag = "0") {
  n++;
  const orderId = order?.orderId ?? `CS${Date.now()}${n}`;
  return {
    activity: "newInstance",
    orderId,
    orderLineId: order?.orderLineId ?? `${orderId}-000001`,
    businessId: randomUUID(),
    testFlag,
  };
}

export async function countRows(db: Knex, table: string, where: Record<string, unknown> = {}): Promise<number> {
  const rows = await db(table).where(where).count({ c: "*" });
  return Number(rows[0]?.c);
}
