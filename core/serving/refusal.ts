/**
 * How a production interface (an interface KooGallery calls with a signed request) answers a refused
 * signature: the one table from `SignatureError` reasons to marketplace result codes (docs/marketplace/saas.md §6). A
 * parameter that is absent, malformed or outside the time window is a bad parameter (000002); a
 * signature that is absent or matches no key is an authentication failure (000001).
 */
import { CallError } from "../errors.js";
import { SignatureError, type SignatureProblem } from "../signing/signature-error.js";
import { assertNever, RESULT_MESSAGES, type CommonResultCode } from "../vocabulary.js";

export function resultCodeOf(reason: SignatureProblem): CommonResultCode {
  switch (reason) {
    case "missing-parameter":
    case "malformed":
    case "stale":
    case "future":
      return "000002";
    case "missing-signature":
    case "bad-signature":
      return "000001";
    default:
      return assertNever(reason);
  }
}

/** The CallError a production interface answers for a refused signature. */
export function marketplaceRefusal(e: SignatureError): CallError {
  const code = resultCodeOf(e.reason);
  // 000002 names the parameter ("timestamp is too old"); 000001 says no more than the sample does
  const message = code === "000002" ? e.message : RESULT_MESSAGES[code];
  return new CallError(code, message, e.detail ? `${e.message} (${e.detail})` : e.message);
}
