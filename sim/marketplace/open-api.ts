/**
 * Query order, string / file upload and the usage push as the local marketplace answers them
 * (docs/marketplace/api-image-openapi.md §3, §4; docs/marketplace/license.md §3.7).
 */
import { createHash } from "node:crypto";
import type { LowerCaseHeaders } from "../../core/signing/apig.js";
import { SignatureError } from "../../core/signing/signature-error.js";
import { verifyUsagePush } from "../../core/signing/usage-push.js";
import type { Answer } from "./license-api.js";
import { parseMultipart } from "./multipart.js";
import type { LocalMarketplaceState, ReceivedCall } from "./state.js";

const mkt = (status: number, code: string, msg: string, extra: Record<string, unknown> = {}): Answer => ({
  status,
  body: { resultCode: code, resultMsg: msg, ...extra },
});

/**
 * UNCONFIRMED: what an unknown order answers. Read as `MKT.0150` (illegal operation): to a seller an
 * order that does not exist and another seller's order look the same (docs/marketplace/api-image-openapi.md §3).
 */
export function queryOrder(state: LocalMarketplaceState, query: URLSearchParams): Answer {
  const orderId = query.get("orderId");
  if (!orderId) return mkt(400, "MKT.0100", "orderId is mandatory");
  const order = state.orders.get(orderId);
  const lineId = query.get("orderLineId");
  const lines = (order?.orderLine ?? []).filter((l) => !lineId || l.orderLineId === lineId);
  if (!order || lines.length === 0) return mkt(200, "MKT.0150", "illegal operation");
  return mkt(200, "MKT.0000", "Success", { orderInfo: { ...order, orderLine: lines } });
}

const cbc = (status: number, code: string, msg: string): Answer => ({ status, body: { error_code: code, error_msg: msg } });

/** The upload: an `isvUpdateFileReq` JSON part and, for FILE, a `file` part whose SHA-256 must match. */
export function upload(state: LocalMarketplaceState, eventId: string, contentType: string | undefined, body: Buffer): Answer {
  const parts = parseMultipart(contentType, body);
  const reqPart = parts?.find((p) => p.name === "isvUpdateFileReq");
  if (!parts || !reqPart) return cbc(400, "CBC.0101", "multipart body with an isvUpdateFileReq part expected");
  let req: Record<string, unknown>;
  try {
    req = JSON.parse(reqPart.content.toString("utf8")) as Record<string, unknown>;
  } catch {
    return cbc(400, "CBC.0101", "isvUpdateFileReq is not JSON");
  }
  const str = (k: string) => (typeof req[k] === "string" ? (req[k] as string) : undefined);
  if (str("type") === "CHARACTERS") {
    if (!str("characters")) return cbc(400, "CBC.0101", "characters is mandatory for CHARACTERS");
    state.uploads.push({ eventId, type: "CHARACTERS", characters: str("characters") });
    return cbc(200, "CBC.0000", "success");
  }
  if (str("type") !== "FILE") return cbc(400, "CBC.0101", "type must be CHARACTERS or FILE");
  const file = parts.find((p) => p.name === "file");
  if (!file || !str("file_name") || !str("sha256")) return cbc(400, "CBC.0101", "file, file_name and sha256 are mandatory for FILE");
  if (createHash("sha256").update(file.content).digest("hex") !== str("sha256")!.toLowerCase()) {
    return cbc(400, "CBC.0101", "sha256 does not match the file");
  }
  state.uploads.push({ eventId, type: "FILE", fileName: str("file_name"), sha256: str("sha256"), file: Buffer.from(file.content) });
  return cbc(200, "CBC.0000", "success");
}

/**
 * The usage push, verified with every registered basic key (the push does not say which product it
 * is for). Records are validated one by one; refused ones are listed in `abnormal_usage_data`.
 *
 * Duplicates: UNCONFIRMED (docs/marketplace/api-image-openapi.md §4 says only "metering_sn unique per record"). A record
 * whose metering_sn was already accepted *with the same content* is accepted again without being
 * counted twice — that is what makes a client's resend after a lost answer safe, which is the point of
 * a per-record serial number. The same metering_sn with *other* content is refused as abnormal
 * (`MKT.9002`), so that one serial number never stands for two usages.
 */
export function usagePush(state: LocalMarketplaceState, headers: LowerCaseHeaders, body: Buffer, nowMs: number, call?: ReceivedCall): Answer {
  const ids = [...state.usageKeys.keys()];
  let keyId: string;
  try {
    const v = verifyUsagePush({ headers, body, keys: [...state.usageKeys.values()], nowMs });
    keyId = ids[v.keyIndex]!;
    if (call) call.signature = "valid";
  } catch (e) {
    if (!(e instanceof SignatureError)) throw e;
    if (call) call.signature = "invalid";
    return { status: 401, body: { error_code: "94060002", error_msg: `signature verification failed: ${e.message}` } };
  }
  let records: unknown;
  try {
    records = (JSON.parse(body.toString("utf8")) as Record<string, unknown>).usage_records;
  } catch {
    return mkt(400, "MKT.9002", "the body is not JSON");
  }
  if (!Array.isArray(records) || records.length === 0) return mkt(400, "MKT.9002", "usage_records is mandatory");
  if (records.length > 1000) return mkt(400, "MKT.9003", "too many usage records");
  const abnormal: Record<string, unknown>[] = [];
  for (const r of records as Record<string, unknown>[]) {
    const problem = recordProblem(state, r);
    if (problem) abnormal.push({ metering_sn: r?.metering_sn, instance_id: r?.instance_id, error_code: "MKT.9002", error_msg: problem });
    else if (!state.acceptedUsage(r.metering_sn)) state.usage.push({ record: r, metering_sn: r.metering_sn as string, keyId });
  }
  return mkt(200, "MKT.0000", "success", { AbnormalUsageDataInfo: { abnormal_usage_data: abnormal } });
}

function recordProblem(state: LocalMarketplaceState, r: Record<string, unknown> | null): string | null {
  if (r === null || typeof r !== "object") return "a record must be an object";
  for (const k of ["instance_id", "record_time", "begin_time", "end_time", "metering_sn"]) {
    if (typeof r[k] !== "string" || r[k] === "") return `${k} is mandatory`;
  }
  for (const k of ["record_time", "begin_time", "end_time"]) {
    if (!/^\d{8}T\d{6}Z$/.test(r[k] as string)) return `${k} is not yyyyMMddTHHmmssZ`;
  }
  const v = r.usage_value;
  if (typeof v !== "number" || !(v > 0) || Math.round(v * 10_000) !== v * 10_000) return "usage_value must be positive with at most 4 decimals";
  const seen = state.acceptedUsage(r.metering_sn);
  if (seen && JSON.stringify(seen.record) !== JSON.stringify(r)) return "metering_sn was already used for another record";
  return null;
}
