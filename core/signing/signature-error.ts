/**
 * The one error every signing module throws for untrusted input. It says why in a fixed, secret-free
 * way; each kind maps the reason to its own answer (a marketplace result code on the production
 * interfaces, HTTP 401 on an API gateway's call) in one table of its own.
 */

/** Why a request's signature was refused. A closed vocabulary: kinds switch over it exhaustively. */
export const SIGNATURE_PROBLEMS = [
  /** a parameter the scheme needs (timestamp, nonce, date) is absent */
  "missing-parameter",
  /** a parameter is present but not of its form (a timestamp that is not a number, an over-long nonce) */
  "malformed",
  /** the timestamp lies further in the past than the window allows */
  "stale",
  /** the timestamp lies further in the future than the window allows */
  "future",
  /** no signature was sent */
  "missing-signature",
  /** a signature was sent and matches no active key */
  "bad-signature",
] as const;
export type SignatureProblem = (typeof SIGNATURE_PROBLEMS)[number];

export class SignatureError extends Error {
  override name = "SignatureError";
  constructor(
    readonly reason: SignatureProblem,
    /** short and fixed; safe for a log line and, where the scheme answers with text, for the caller */
    message: string,
    /** more for the log line only (a skew in ms), never a key or a signature */
    readonly detail?: string,
  ) {
    super(message);
  }
}

/**
 * The refusal of `check`, for code that reports a signature rather than answers it (the simulator's
 * judge, the testing kit's `bodySignProblem`): the SignatureError it throws, or null when it passed.
 * Any other error is not a refusal and is thrown on.
 */
export function refusalOf(check: () => unknown): SignatureError | null {
  try {
    check();
    return null;
  } catch (e) {
    if (e instanceof SignatureError) return e;
    throw e;
  }
}
