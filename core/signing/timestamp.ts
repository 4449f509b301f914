import { SignatureError } from "./signature-error.js";

/** How far a request's timestamp may be from the server's clock, either way (docs/marketplace/saas.md §2.1). */
export const DEFAULT_TOLERANCE_MS = 60_000;

/**
 * Parses a marketplace timestamp and checks it lies within `toleranceMs` of `nowMs`, in the past
 * *or* the future (the Java sample only checks the past; we refuse both, docs/marketplace/saas.md §2.1).
 * Milliseconds are the real unit; a 10-digit value in seconds is tolerated (docs/marketplace/saas.md §11.1).
 * @returns the timestamp in milliseconds
 * @throws SignatureError missing-parameter, malformed, stale or future
 */
export function checkTimestamp(value: string | null | undefined, nowMs: number, toleranceMs: number): number {
  if (!(toleranceMs > 0)) throw new Error("toleranceMs must be a positive number of milliseconds");
  if (!value) throw new SignatureError("missing-parameter", "timestamp is missing");
  if (!/^\d{10,13}$/.test(value)) throw new SignatureError("malformed", "timestamp is not a number of milliseconds");
  let ms = Number(value);
  if (value.length === 10) ms *= 1000;
  const skew = nowMs - ms;
  if (skew > toleranceMs) throw new SignatureError("stale", "timestamp is too old", `timestamp ${skew} ms in the past`);
  if (-skew > toleranceMs) throw new SignatureError("future", "timestamp is in the future", `timestamp ${-skew} ms ahead`);
  return ms;
}
