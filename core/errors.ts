import { resultMessageOf } from "./kinds/registry.js";
import { RESULT_MESSAGES, type ResultCode } from "./vocabulary.js";

/**
 * Tier 1: a mistake in the merchant's setup (a product definition, an adapter, a missing key variable).
 * Thrown at start; the message names the file, the path inside it, and the fix. Never caught per call.
 */
export class SetupError extends Error {
  override name = "SetupError";
  constructor(
    message: string,
    /** the file the mistake is in, when there is one */
    readonly file?: string,
    /** a JSON-pointer-like path inside that file */
    readonly path?: string,
  ) {
    super([file, path].filter(Boolean).join(" ") + (file || path ? ": " : "") + message);
  }
}

/**
 * Tier 2: bad input from outside, or a failure while serving a call. Maps to exactly one marketplace
 * result code. The message is short, fixed and safe to send to the caller: it never holds a secret.
 */
export class CallError extends Error {
  override name = "CallError";
  constructor(
    readonly resultCode: ResultCode,
    /** what is answered as `resultMsg`; defaults to the marketplace sample's message for the code, or its kind's */
    message: string = defaultMessage(resultCode),
    /** detail for the log line only (never sent to the caller) */
    readonly detail?: string,
  ) {
    super(message);
  }
}

/**
 * The `resultMsg` of a code no message was given for: the sample's, or the one its kind declares
 * (core/kinds/registry.ts); a code no registered kind declares gets the one of 000005.
 */
export function defaultMessage(code: ResultCode): string {
  return resultMessageOf(code) ?? RESULT_MESSAGES["000005"];
}

/** Typed shorthands, one per failure a caller can cause; the table of codes lives in vocabulary.ts. */
export const callErrors = {
  auth: (detail: string) => new CallError("000001", RESULT_MESSAGES["000001"], detail),
  param: (message: string, detail?: string) => new CallError("000002", message, detail ?? message),
  unknownInstance: (instanceId: string) =>
    new CallError("000003", RESULT_MESSAGES["000003"], `no instance ${instanceId}`),
};

/**
 * The longest description `describeError` gives: a driver's message can quote a whole statement (a
 * 600-line insert made a 243 KB log line at every retry: issue 24, finding 10).
 */
export const MAX_ERROR_DESCRIPTION = 1000;

/** A short, secret-free description of any thrown value, for log lines; at most MAX_ERROR_DESCRIPTION characters. */
export function describeError(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  if (text.length <= MAX_ERROR_DESCRIPTION) return text;
  // room for the note: " … (" + up to 16 digits + " more characters)" is under 40 characters
  const keep = MAX_ERROR_DESCRIPTION - 40;
  return `${text.slice(0, keep)} … (${text.length - keep} more characters)`;
}
