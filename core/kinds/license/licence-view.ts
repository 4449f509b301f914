/**
 * The operator page's view of what a License listing issued beyond authorization codes: the licences
 * an adapter issued (online and 1.0 variants; the licence itself rests sealed and is not read) and the
 * relay's usage reports per day (codes and clients rest sealed: only counts are read).
 */
import type { Knex } from "knex";

export interface IssuedView {
  /** the first 12 hex characters of the request key (a digest over event id and fingerprint, or the instance) */
  requestKey: string;
  instanceId: string;
  eventId: string | null;
  state: string;
  fileName: string | null;
  test: boolean;
  createdAt: number;
  updatedAt: number;
  uploadedAt: number | null;
}

export async function listIssued(db: Knex, productId: string, limit = 200): Promise<IssuedView[]> {
  const rows: Array<Record<string, unknown>> = await db("koogate_issued_licenses").where("product_id", productId).orderBy("updated_at", "desc").limit(limit);
  return rows.map((r) => ({
    requestKey: String(r.request_key).slice(0, 12),
    instanceId: String(r.instance_id),
    eventId: (r.event_id as string | null) ?? null,
    state: String(r.state),
    fileName: (r.file_name as string | null) ?? null,
    test: Boolean(r.test),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    uploadedAt: r.uploaded_at === null || r.uploaded_at === undefined ? null : Number(r.uploaded_at),
  }));
}

export interface RelayUsageDay {
  /** UTC yyyymmdd */
  day: string;
  /** reports of a client's use */
  reports: number;
  /** codes reported */
  codes: number;
  /** reports already sent with the software-usage API */
  sent: number;
}

/** The relay's usage reports of the newest days, counted per day. */
export async function relayUsageDays(db: Knex, productId: string, days = 30): Promise<RelayUsageDay[]> {
  const rows: Array<Record<string, unknown>> = await db("koogate_license_usage")
    .select("day")
    .count({ reports: "*" })
    .countDistinct({ codes: "code_digest" })
    .select(db.raw("sum(CASE WHEN sent THEN 1 ELSE 0 END) AS sent"))
    .where("product_id", productId)
    .groupBy("day")
    .orderBy("day", "desc")
    .limit(days);
  return rows.map((r) => ({ day: String(r.day), reports: Number(r.reports), codes: Number(r.codes), sent: Number(r.sent ?? 0) }));
}
