/**
 * Every answer of the open APIs becomes one typed result, so that a caller branches on "code not
 * activated" or "rate limited" and never on an HTTP status (docs/marketplace/api-image-openapi.md §8,
 * §9; docs/marketplace/license.md §2.3, §3.7). The code families, the fields they come in and what each code means are
 * in the one table below.
 */

/** Where a failure's code comes from. */
export type AnswerFamily =
  /** `MKT.xxxx` (query order, usage push) and the usage push's `9406000x` */
  | "MKT"
  /** `9202xxxx` and `9500000x`: the authorization-code License APIs */
  | "LICENSE"
  /** `CBC.xxxx`: the online-License APIs (string / file upload) */
  | "CBC"
  /** `9138xxxx`: the online-License business codes */
  | "LICENSE-ONLINE"
  /** `APIGW.xxxx` / `APIG.xxxx`: the API gateway in front of every AK/SK-signed API */
  | "APIGW"
  /** an HTTP answer with no known code in it */
  | "http"
  /** no HTTP answer at all (refused, unresolvable, timed out) */
  | "network";

/** What a failure means for the caller. A closed vocabulary: switch over it exhaustively. */
export type FailureKind =
  | "auth"
  | "forbidden"
  | "rate-limited"
  | "invalid"
  | "not-found"
  | "not-activated"
  | "not-received"
  | "illegal-state"
  | "expired"
  | "denied"
  | "unavailable"
  | "unknown";

export interface MarketplaceSuccess<T> {
  ok: true;
  data: T;
  /** the success code answered (`MKT.0000`, `92020000`, `CBC.0000`) */
  code: string;
  status: number;
  /** how many requests it took (1 without retries) */
  attempts: number;
}

export interface MarketplaceFailure {
  ok: false;
  family: AnswerFamily;
  /** the marketplace's code, the HTTP status for `http`, a Node error code for `network` */
  code: string;
  /** short, from the answer (at most 200 characters) or from koogate */
  message: string;
  kind: FailureKind;
  /** HTTP status; 0 when there was no answer */
  status: number;
  attempts: number;
}

export type MarketplaceResult<T> = MarketplaceSuccess<T> | MarketplaceFailure;

/** A JSON object as received; unknown fields are kept here and ignored by the typed readers. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** The code of an answer cut because its body passed `KOOGATE_MARKETPLACE_MAX_ANSWER_BYTES` (family `http`). */
export const ANSWER_TOO_LARGE = "ANSWER_TOO_LARGE";

/**
 * Whether asking again cannot help: the marketplace answered with more than koogate reads. A job that
 * met such a failure is parked at once (for an operator's look and "retry now"), not retried for hours.
 */
export function isPermanent(f: MarketplaceFailure): boolean {
  return f.code === ANSWER_TOO_LARGE;
}

const SUCCESS_CODES = new Set(["MKT.0000", "92020000", "CBC.0000"]);

const KINDS: Readonly<Record<string, FailureKind>> = {
  "MKT.0999": "unavailable",
  "MKT.0100": "invalid",
  "MKT.0101": "invalid",
  "MKT.0199": "invalid",
  "MKT.0150": "forbidden",
  "MKT.0151": "forbidden",
  "MKT.0154": "auth",
  "MKT.0250": "rate-limited",
  "MKT.9001": "not-found",
  "MKT.9002": "invalid",
  "MKT.9003": "invalid",
  "MKT.9004": "invalid",
  "94060001": "unavailable",
  // UNCONFIRMED (docs/marketplace/api-image-openapi.md §4): the meaning of 94060002 (HTTP 401); read as a bad signature.
  "94060002": "auth",
  "92020001": "unavailable",
  "92020002": "invalid",
  "92020003": "illegal-state",
  "92020004": "not-received",
  "92020005": "not-found",
  "92020011": "not-activated",
  "92020020": "invalid",
  "CBC.0150": "forbidden",
  "CBC.0101": "invalid",
  "CBC.0999": "unavailable",
  "91381033": "denied",
  "91381034": "invalid",
  // "licence period has no remaining quota" (docs/marketplace/license.md §3.7): the bought period is used up.
  "91381035": "expired",
  "91381036": "unavailable",
  "91381037": "invalid",
  "91381038": "denied",
  "91380150": "forbidden",
  // UNCONFIRMED numbers (docs/marketplace/api-image-openapi.md §9, §11.6): app-authentication failures and throttling.
  "APIGW.0301": "auth",
  "APIGW.0303": "auth",
  "APIGW.0101": "not-found",
  "APIGW.0308": "rate-limited",
};

function familyOf(code: string): AnswerFamily | null {
  if (code.startsWith("MKT.") || code.startsWith("9406")) return "MKT";
  if (code.startsWith("9202") || code.startsWith("9500")) return "LICENSE";
  if (code.startsWith("CBC.")) return "CBC";
  if (code.startsWith("9138")) return "LICENSE-ONLINE";
  if (code.startsWith("APIGW.") || code.startsWith("APIG.")) return "APIGW";
  return null;
}

/** What an HTTP status alone says, for codes not in the table and answers without a code. */
export function kindOfStatus(status: number): FailureKind {
  if (status === 401) return "auth";
  if (status === 403) return "forbidden";
  if (status === 404) return "not-found";
  if (status === 429) return "rate-limited";
  if (status >= 500) return "unavailable";
  if (status >= 400) return "invalid";
  return "unknown";
}

export type Classified = { ok: true; code: string; status: number; body: JsonObject } | Omit<MarketplaceFailure, "attempts">;

/**
 * Reads one HTTP answer: the code from `error_code` (License, CBC, gateway) or `resultCode` (MKT),
 * success when it is a success code and the status is 2xx.
 */
export function classifyAnswer(status: number, bytes: Buffer): Classified {
  let body: JsonObject | null = null;
  try {
    const parsed: unknown = JSON.parse(bytes.toString("utf8"));
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) body = parsed as JsonObject;
  } catch {
    // not JSON: an HTTP-level answer (a proxy's error page, an empty 502)
  }
  const code = body ? textField(body, "error_code") ?? textField(body, "resultCode") : undefined;
  const message = (body ? textField(body, "error_msg") ?? textField(body, "resultMsg") : undefined) ?? `HTTP ${status}`;
  if (body && code !== undefined && SUCCESS_CODES.has(code) && status >= 200 && status < 300) return { ok: true, code, status, body };
  const family = code === undefined ? null : familyOf(code);
  if (code === undefined || family === null) {
    return { ok: false, family: "http", code: String(status), message: message.slice(0, 200), kind: kindOfStatus(status), status };
  }
  // "92020001 with HTTP 403 is an auth failure" (docs/marketplace/license.md §2.3): the status wins over the table there.
  const kind = status === 401 || status === 403 ? kindOfStatus(status) : KINDS[code] ?? kindOfStatus(status);
  return { ok: false, family, code, message: message.slice(0, 200), kind, status };
}

function textField(o: JsonObject, name: string): string | undefined {
  const v = o[name];
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
}
