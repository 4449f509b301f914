/**
 * SaaS 1.0 (legacy GET) request token (docs/marketplace/saas.md §2.3, docs/marketplace/vectors.md §2):
 *
 *   authToken = base64 HMAC-SHA256(key = accessKey + timeStamp, msg = "k1=v1&k2=v2…")
 *
 * with every query parameter but `authToken`, sorted by name (UTF-16 order), first value of each, the
 * values URL-decoded. Some deployments sign the raw (still encoded) values, so `verifyAuthToken` tries the
 * decoded form first, then the raw one, and reports which matched.
 */
import { createHmac } from "node:crypto";
import { SignatureError } from "./signature-error.js";
import { safeEqual } from "./compare.js";

/** The string the token signs: `k=v` pairs sorted by name, joined by `&`, no re-encoding. */
export function authTokenMessage(params: ReadonlyArray<readonly [string, string]>): string {
  const first = new Map<string, string>();
  for (const [k, v] of params) if (k !== "authToken" && !first.has(k)) first.set(k, v);
  return [...first.keys()]
    .sort()
    .map((k) => `${k}=${first.get(k)}`)
    .join("&");
}

/** base64 authToken for `params` (decoded values) signed at `timeStamp`. */
export function signAuthToken(opts: {
  accessKey: string;
  timeStamp: string;
  params: ReadonlyArray<readonly [string, string]>;
}): string {
  return createHmac("sha256", opts.accessKey + opts.timeStamp).update(authTokenMessage(opts.params)).digest("base64");
}

/** Splits a raw query string into [name, raw value] pairs, without decoding. */
export function rawPairs(rawQuery: string): Array<[string, string]> {
  return rawQuery
    .split("&")
    .filter(Boolean)
    .map((part) => {
      const i = part.indexOf("=");
      return i < 0 ? [part, ""] : [part.slice(0, i), part.slice(i + 1)];
    });
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, " "));
  } catch {
    return value;
  }
}

export type AuthTokenForm = "decoded" | "raw";

export interface AuthTokenVerified {
  keyIndex: number;
  form: AuthTokenForm;
  /** the decoded parameters */
  params: Map<string, string>;
}

/**
 * Verifies a 1.0 request from its raw query string.
 * @throws SignatureError missing-parameter (timeStamp), missing-signature or bad-signature (authToken)
 */
export function verifyAuthToken(rawQuery: string, keys: readonly string[]): AuthTokenVerified {
  const raw = rawPairs(rawQuery).map(([k, v]) => [decode(k), v] as [string, string]);
  const decoded = raw.map(([k, v]) => [k, decode(v)] as [string, string]);
  const params = new Map<string, string>();
  for (const [k, v] of decoded) if (!params.has(k)) params.set(k, v);
  const timeStamp = params.get("timeStamp");
  if (!timeStamp) throw new SignatureError("missing-parameter", "timeStamp is missing");
  // The token is base64: a '+' sent unencoded must not turn into a space (docs/marketplace/saas.md §2.3, FAQ item 3).
  const rawToken = raw.find(([k]) => k === "authToken")?.[1];
  if (!rawToken) throw new SignatureError("missing-signature", "authToken is missing");
  const tokens = new Set([decode(rawToken.replace(/\+/g, "%2B")), rawToken]);
  for (const [form, pairs] of [["decoded", decoded], ["raw", raw]] as const) {
    for (let keyIndex = 0; keyIndex < keys.length; keyIndex++) {
      const expected = signAuthToken({ accessKey: keys[keyIndex]!, timeStamp, params: pairs });
      for (const t of tokens) if (safeEqual(expected, t)) return { keyIndex, form, params };
    }
  }
  throw new SignatureError("bad-signature", "authToken does not match with any active key");
}
