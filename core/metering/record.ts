/**
 * One usage record: its rules (docs/marketplace/api-image-openapi.md §4, docs/marketplace/saas.md §8.1), its stable
 * `metering_sn`, and its wire form.
 */
import { createHash } from "node:crypto";
import type { UsageRecord } from "../marketplace/client.js";

/** What a merchant records: how much `instanceId` used from `begin` to `end`. */
export interface UsageInput {
  instanceId: string;
  /** positive, at most 4 decimals */
  value: number;
  begin: Date;
  end: Date;
  /** the package instance of a "stop-when-used-up" package */
  relatePkgInstance?: string;
}

/** A record older than this is refused by the marketplace (MKT.9004, docs/marketplace/saas.md §8.1): refused here first. */
export const MAX_RECORD_AGE_MS = 21 * 86_400_000;
/** How far in the future a window may end (clock skew between the merchant's backend and koogate). */
const FUTURE_SKEW_MS = 5 * 60_000;

/**
 * `metering_sn` derived from product, instance and window: recording one window again, after a crash,
 * a retry or in a second process, gives the same number, which the database holds once and the
 * marketplace counts once. 64 hex characters (the field's maximum).
 */
export function meteringSn(productId: string, instanceId: string, beginMs: number, endMs: number): string {
  return createHash("sha256").update(JSON.stringify([productId, instanceId, beginMs, endMs])).digest("hex");
}

/** A rule a record breaks, as a sentence, or null. Times count in whole seconds (the wire's precision). */
export function usageProblem(u: UsageInput, nowMs: number): string | null {
  if (typeof u.instanceId !== "string" || !/^[\x21-\x7e]{1,64}$/.test(u.instanceId)) return "instanceId must be 1 to 64 printable ASCII characters";
  if (typeof u.value !== "number" || !Number.isFinite(u.value) || !(u.value > 0)) return "value must be a number greater than 0";
  if (!Number.isInteger(Math.round(u.value * 10_000)) || Math.abs(Math.round(u.value * 10_000) - u.value * 10_000) > 1e-6) return "value has more than 4 decimals";
  if (u.value >= 1e8) return "value must be below 100000000 (Double(12,4))";
  for (const [name, d] of [["begin", u.begin], ["end", u.end]] as const) {
    if (!(d instanceof Date) || Number.isNaN(d.getTime())) return `${name} is not a time`;
    if (d.getTime() % 1000 !== 0) return `${name} must be a whole second (the marketplace's precision)`;
  }
  if (u.begin.getTime() >= u.end.getTime()) return "begin must be before end";
  if (u.begin.getTime() < nowMs - MAX_RECORD_AGE_MS) return "begin is more than 21 days ago (the marketplace refuses it, MKT.9004)";
  if (u.end.getTime() > nowMs + FUTURE_SKEW_MS) return "end is in the future";
  if (u.relatePkgInstance !== undefined && !/^[\x21-\x7e]{1,64}$/.test(u.relatePkgInstance)) return "relatePkgInstance must be 1 to 64 printable ASCII characters";
  return null;
}

/** UTC `yyyyMMdd'T'HHmmss'Z'` (docs/marketplace/saas.md §8.1). */
export function usageTime(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");
}

/** The value in decimal text, at most 4 decimals, as stored and sent. */
export function usageValueText(value: number): string {
  return String(Math.round(value * 10_000) / 10_000);
}

/** A stored record. */
export interface StoredUsage {
  id: number;
  productId: string;
  instanceId: string;
  meteringSn: string;
  beginAt: number;
  endAt: number;
  recordTime: string;
  usageValue: string;
  relatePkgInstance: string | null;
  source: string;
  state: "pending" | "pushed" | "rejected";
  pushAttempts: number;
  errorCode: string | null;
  errorMsg: string | null;
  createdAt: number;
  pushedAt: number | null;
}

/** The record as pushed: built from the stored fields only, so every push of it is the same bytes. */
export function wireRecord(u: StoredUsage): UsageRecord {
  return {
    instance_id: u.instanceId,
    record_time: u.recordTime,
    begin_time: usageTime(u.beginAt),
    end_time: usageTime(u.endAt),
    usage_value: Number(u.usageValue),
    metering_sn: u.meteringSn,
    ...(u.relatePkgInstance ? { relate_pkg_instance: u.relatePkgInstance } : {}),
  };
}
