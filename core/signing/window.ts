import { SignatureError } from "./signature-error.js";

/**
 * Checks that a request's signed time lies within `toleranceMs` of `nowMs`, in the past *and* in the
 * future, for the schemes that throw `SignatureError`. A tolerance of 0 or less is a programming
 * mistake, not a way to switch the check off.
 * @throws Error when `toleranceMs` is not positive; SignatureError "stale" or "future" outside the window
 */
export function checkWindow(timeMs: number, nowMs: number, toleranceMs: number): void {
  if (!(toleranceMs > 0)) throw new Error("toleranceMs must be a positive number of milliseconds");
  const skew = nowMs - timeMs;
  if (skew > toleranceMs) throw new SignatureError("stale", "the request time is too old", `${skew} ms in the past`);
  if (-skew > toleranceMs) throw new SignatureError("future", "the request time is in the future", `${-skew} ms ahead`);
}
