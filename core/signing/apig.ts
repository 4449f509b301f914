/**
 * Huawei API Gateway "app authentication", `SDK-HMAC-SHA256` (docs/marketplace/api-image-openapi.md §2,
 * vectors in §10 and docs/marketplace/vectors.md §5): how a merchant signs its calls to KooGallery's
 * open APIs with the seller account's AK/SK, and how an API gateway signs its calls to a backend.
 *
 *   CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n hex(sha256(body))
 *   StringToSign     = "SDK-HMAC-SHA256" \n X-Sdk-Date \n hex(sha256(CanonicalRequest))
 *   Signature        = hex(HMAC-SHA256(SK, StringToSign))
 *
 * `signApig` is the only place the string to sign is built: `signApigRequest` adds its result to an
 * outgoing request, `verifyApigRequest` recomputes through it.
 *
 * UNCONFIRMED (docs/marketplace/api-image-openapi.md §2, §11.8): Huawei's signers use the value of an
 * `x-sdk-content-sha256` header instead of the body hash when one is sent (`UNSIGNED-PAYLOAD`). Here the
 * exact body bytes are always hashed, so a request whose body is not covered by its signature never
 * verifies; a caller that needs unsigned payloads must say so in code, not by a header.
 */
import { createHash, createHmac, hash as oneShotHash } from "node:crypto";
import { safeEqual } from "./compare.js";
import { SignatureError } from "./signature-error.js";
import { checkWindow } from "./window.js";

export const APIG_ALGORITHM = "SDK-HMAC-SHA256";

/** The gateway refuses an `X-Sdk-Date` more than 15 minutes away from its clock (§2). */
export const DEFAULT_APIG_TOLERANCE_MS = 15 * 60_000;

/** `X-Sdk-Date` of a time: UTC `yyyyMMdd'T'HHmmss'Z'`, e.g. `20240317T144237Z`. */
export function formatSdkDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** The time an `X-Sdk-Date` stands for, in ms; null when it is not of the form `yyyyMMddTHHmmssZ`. */
export function parseSdkDate(value: string): number | null {
  const m = SDK_DATE.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // a date that does not exist (Feb 30, 24:00, second 60) or a year Date.UTC reads as 19xx comes back different
  const t = new Date(ms);
  const same = t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && t.getUTCHours() === h && t.getUTCMinutes() === mi && t.getUTCSeconds() === s;
  return same ? ms : null;
}

const SDK_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** RFC 3986 encoding as Huawei's signers do it: unreserved `A-Za-z0-9-_.~` kept, the rest `%XX` upper-case. */
function encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

/** hex SHA-256; Node's one-shot `crypto.hash` where it exists (20.12+), which allocates no Hash stream per call (issue 21) */
const sha256Hex: (data: string | Buffer) => string =
  typeof oneShotHash === "function" ? (data) => oneShotHash("sha256", data, "hex") : (data) => createHash("sha256").update(data).digest("hex");

/** A path of unreserved characters and slashes only, which decoding and encoding give back unchanged. */
const PLAIN_PATH = /^[A-Za-z0-9\-_.~/]*$/;

/** Every path segment decoded then encoded again, joined by `/`, always ending with `/`. */
export function canonicalUri(path: string): string {
  // the usual path needs neither (issue 21: the API path verifies every call)
  const uri = PLAIN_PATH.test(path) ? path : path.split("/").map((segment) => encode(decodeURIComponent(segment))).join("/");
  return uri.endsWith("/") ? uri : uri + "/";
}

/** Parameters sorted by name, then value; `enc(k)=enc(v)` joined by `&`; a key without value gives `k=`. */
export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === "") return "";
  const pairs = [...new URLSearchParams(rawQuery)];
  pairs.sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0));
  return pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join("&");
}

export interface ApigSignInput {
  method: string;
  /** the URL path as sent (percent-encoding as sent) */
  path: string;
  /** the query string as sent, without `?`; "" when there is none */
  rawQuery: string;
  /** a header's value by lower-case name, as sent */
  header: (name: string) => string | undefined;
  /** the lower-case names of the signed headers, in the order of the `SignedHeaders` list */
  signedHeaders: readonly string[];
  /** the exact body bytes ("" for none) */
  body: string | Buffer;
  /** the `X-Sdk-Date` value as sent */
  sdkDate: string;
  /** the secret key (SK, AppSecret) */
  secret: string;
}

/** The canonical request of §2, the newline-joined text whose hash is signed. */
export function canonicalRequest(input: Omit<ApigSignInput, "sdkDate" | "secret">): string {
  const headers = input.signedHeaders.map((name) => `${name}:${(input.header(name) ?? "").trim()}\n`).join("");
  return [
    input.method.toUpperCase(),
    canonicalUri(input.path),
    canonicalQuery(input.rawQuery),
    headers,
    input.signedHeaders.join(";"),
    sha256Hex(input.body),
  ].join("\n");
}

/** The lower-case hex signature of one request. */
export function signApig(input: ApigSignInput): string {
  const stringToSign = `${APIG_ALGORITHM}\n${input.sdkDate}\n${sha256Hex(canonicalRequest(input))}`;
  return createHmac("sha256", input.secret).update(stringToSign).digest("hex");
}

export interface ApigRequestToSign {
  method: string;
  /** the full URL, query included */
  url: string;
  /** the headers that will be sent; every one is signed. An `X-Sdk-Date` or `Host` given here is kept. */
  headers?: Readonly<Record<string, string>>;
  /** the exact body bytes that will be sent; default none */
  body?: string | Buffer;
  /** the access key (AK, AppKey) */
  ak: string;
  /** the secret key (SK, AppSecret) */
  sk: string;
  /** the signing time, when `headers` has no `X-Sdk-Date`; default now */
  date?: Date;
}

/** The headers `signApigRequest` adds; send them with the given ones, and nothing else that is signed. */
export interface ApigAuthHeaders {
  Host: string;
  "X-Sdk-Date": string;
  Authorization: string;
}

/**
 * Signs an outgoing request the way Huawei's SDKs do: every given header plus `host` and `x-sdk-date`
 * is signed (§2: "all request headers you send"), so the request must be sent with exactly these
 * headers and no other header changed on the way.
 * @throws Error when two given headers differ only in case
 */
export function signApigRequest(req: ApigRequestToSign): ApigAuthHeaders {
  const u = new URL(req.url);
  const values = new Map<string, string>();
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    const lower = name.toLowerCase();
    if (values.has(lower)) throw new Error(`header ${lower} is given twice`);
    values.set(lower, value);
  }
  const sdkDate = values.get("x-sdk-date") ?? formatSdkDate(req.date ?? new Date());
  const host = values.get("host") ?? u.host;
  values.set("x-sdk-date", sdkDate);
  values.set("host", host);
  const signedHeaders = [...values.keys()].sort();
  const signature = signApig({
    method: req.method,
    path: u.pathname,
    rawQuery: u.search.slice(1),
    header: (name) => values.get(name),
    signedHeaders,
    body: req.body ?? "",
    sdkDate,
    secret: req.sk,
  });
  return {
    Host: host,
    "X-Sdk-Date": sdkDate,
    Authorization: `${APIG_ALGORITHM} Access=${req.ak}, SignedHeaders=${signedHeaders.join(";")}, Signature=${signature}`,
  };
}

/** Header values by lower-case name, as Node's `IncomingMessage.headers` holds them. */
export type LowerCaseHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface ApigVerifyInput {
  method: string;
  /** the request path as received, percent-encoding untouched */
  path: string;
  /** the query string as received, without `?` */
  rawQuery: string;
  headers: LowerCaseHeaders;
  /** the exact body bytes, before any parsing */
  body: Buffer;
  /** the secret of each known access key; an unknown key is a bad signature */
  keys: ReadonlyMap<string, string> | ((accessKey: string) => string | undefined);
  /** the verifier's clock, in ms */
  nowMs: number;
  /** allowed skew of `X-Sdk-Date` either way; default 15 min (§2). Must be positive. */
  toleranceMs?: number;
}

export interface ApigVerified {
  accessKey: string;
  /** the headers the signature covers: only these are authentic */
  signedHeaders: readonly string[];
  sdkDateMs: number;
  /** the signature, lower-case hex: every raw form of the request with the same canonical form shares it */
  signature: string;
}

const AUTHORIZATION = /^SDK-HMAC-SHA256 +Access=([^,\s]+), *SignedHeaders=([^,\s]+), *Signature=([^,\s]+)$/;

/**
 * Verifies an `SDK-HMAC-SHA256` request over the headers its `SignedHeaders` lists, and only those:
 * a gateway may add or change others on the way. `x-sdk-date` must be among them, or the time could be
 * replaced without breaking the signature.
 * @throws SignatureError missing-signature (no Authorization), malformed (not this scheme, a bad date, a
 *   date or header not signed), missing-parameter (no X-Sdk-Date, a signed header absent), stale, future,
 *   bad-signature (unknown access key or a signature that does not match)
 */
export function verifyApigRequest(input: ApigVerifyInput): ApigVerified {
  const header = (name: string): string | undefined => {
    const v = input.headers[name];
    return typeof v === "string" ? v : v === undefined ? undefined : v.join(",");
  };
  const authorization = header("authorization");
  if (!authorization) throw new SignatureError("missing-signature", "the Authorization header is missing");
  const m = AUTHORIZATION.exec(authorization.trim());
  if (!m) throw new SignatureError("malformed", `the Authorization header is not ${APIG_ALGORITHM} Access=…, SignedHeaders=…, Signature=…`);
  const [, accessKey, signedList, signature] = m as unknown as [string, string, string, string];
  if (!/^[0-9a-fA-F]{64}$/.test(signature)) throw new SignatureError("malformed", "the signature is not 64 hex digits");
  const signedHeaders = signedList.split(";");
  if (!signedHeaders.includes("x-sdk-date")) throw new SignatureError("malformed", "x-sdk-date is not among the signed headers");
  const sdkDate = header("x-sdk-date");
  if (!sdkDate) throw new SignatureError("missing-parameter", "the X-Sdk-Date header is missing");
  const sdkDateMs = parseSdkDate(sdkDate);
  if (sdkDateMs === null) throw new SignatureError("malformed", "X-Sdk-Date is not yyyyMMddTHHmmssZ");
  checkWindow(sdkDateMs, input.nowMs, input.toleranceMs ?? DEFAULT_APIG_TOLERANCE_MS);
  const absent = signedHeaders.find((name) => header(name) === undefined);
  if (absent !== undefined) throw new SignatureError("missing-parameter", "a signed header is missing", absent);
  const secret = typeof input.keys === "function" ? input.keys(accessKey) : input.keys.get(accessKey);
  if (secret === undefined) throw new SignatureError("bad-signature", "the signature does not match", "unknown access key");
  let expected: string;
  try {
    expected = signApig({ ...input, header, signedHeaders, sdkDate, secret });
  } catch {
    throw new SignatureError("malformed", "the request path is not valid percent-encoding");
  }
  if (!safeEqual(expected, signature.toLowerCase())) throw new SignatureError("bad-signature", "the signature does not match");
  return { accessKey, signedHeaders, sdkDateMs, signature: expected };
}
