/**
 * SaaS 2.0 basic-interface request signature (docs/marketplace/saas.md §2.1, docs/marketplace/vectors.md §4): the `signature`,
 * `timestamp` and `nonce` query parameters KooGallery appends to the production URL.
 *
 *   inner     = lowercase hex HMAC-SHA256(accessKey, payload)
 *   signature = hex HMAC-SHA256(accessKey, accessKey + nonce + timestamp + inner)
 *
 * `signBasic` is the only place the signed string is built: `verifyBasic` recomputes through it, and
 * the simulator and the tests sign with it.
 */
import { createHmac, randomBytes } from "node:crypto";
import { canonicalJson, matchSignature, type PayloadForm } from "./canonical.js";
import { SignatureError } from "./signature-error.js";
import { checkTimestamp, DEFAULT_TOLERANCE_MS } from "./timestamp.js";

export interface BasicSignInput {
  /** the product's basic access key */
  accessKey: string;
  nonce: string;
  /** the `timestamp` query parameter exactly as sent */
  timestamp: string;
  /** the signed payload bytes: the raw body, or its canonical form */
  payload: string | Buffer;
}

/** The hex (lower-case) `signature` for one request. */
export function signBasic({ accessKey, nonce, timestamp, payload }: BasicSignInput): string {
  const inner = createHmac("sha256", accessKey).update(payload).digest("hex");
  return createHmac("sha256", accessKey).update(accessKey + nonce + timestamp + inner).digest("hex");
}

/** The longest nonce accepted (the column of koogate_nonces). */
export const MAX_NONCE_LENGTH = 128;

export interface BasicVerifyInput {
  /** the exact request body bytes, before any parsing */
  rawBody: Buffer;
  /** the request's query parameters */
  query: URLSearchParams;
  /** every active basic key of the product, the current one first (rotation) */
  keys: readonly string[];
  /** the server's clock, in ms */
  nowMs: number;
  /** allowed skew either way; default 60 000 ms (docs/marketplace/saas.md §2.1). Must be positive. */
  toleranceMs?: number;
}

export interface BasicVerified {
  nonce: string;
  timestampMs: number;
  /** which key matched (0 = current) */
  keyIndex: number;
  /** which payload form matched: the raw bytes first, then the canonical forms (docs/marketplace/saas.md §2.1) */
  form: PayloadForm;
}

/**
 * Verifies a 2.0 basic request, on the exact raw bytes first and then on the canonical forms.
 * It does not remember nonces: the caller refuses a replayed nonce with its store.
 * @throws SignatureError missing-parameter, malformed, stale, future, missing-signature or bad-signature
 */
export function verifyBasic(input: BasicVerifyInput): BasicVerified {
  const { query, keys, rawBody } = input;
  const timestamp = single(query, "timestamp");
  const nonce = single(query, "nonce");
  const signature = single(query, "signature");
  if (!nonce) throw new SignatureError("missing-parameter", "nonce is missing");
  // Documented nonces are 64 hex characters (docs/marketplace/saas.md §2.1); the nonce store keeps at most 128.
  if (nonce.length > MAX_NONCE_LENGTH) throw new SignatureError("malformed", `nonce is longer than ${MAX_NONCE_LENGTH} characters`);
  if (!PRINTABLE_ASCII.test(nonce)) throw new SignatureError("malformed", "nonce holds a character other than printable ASCII");
  const timestampMs = checkTimestamp(timestamp, input.nowMs, input.toleranceMs ?? DEFAULT_TOLERANCE_MS);
  if (!signature) throw new SignatureError("missing-signature", "signature is missing");
  const match = matchSignature(rawBody, keys, signature.toLowerCase(), (accessKey, payload) => signBasic({ accessKey, nonce, timestamp: timestamp!, payload }));
  if (!match) throw new SignatureError("bad-signature", "signature does not match the body with any active key");
  return { nonce, timestampMs, ...match };
}

/** What a nonce may hold: printable ASCII (documented nonces are hex, docs/marketplace/saas.md §2.1). Anything else cannot be stored safely on both databases. */
export const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/** A parameter's only value; a repeated one is refused rather than silently taking the first. */
function single(query: URLSearchParams, name: string): string | null {
  const all = query.getAll(name);
  if (all.length > 1) throw new SignatureError("malformed", `${name} is repeated`);
  return all[0] ?? null;
}

export interface SignedBasicRequest {
  /** the query string to append to the production URL: `signature=…&timestamp=…&nonce=…` */
  query: string;
  signature: string;
  timestamp: string;
  nonce: string;
}

/**
 * Signs a request as KooGallery does: over the canonical JSON of `body`, with a random 64-hex nonce and
 * a millisecond timestamp. Used by the simulator and the tests, so they sign with the server's code.
 */
export function signBasicRequest(opts: {
  accessKey: string;
  /** the exact body that will be sent */
  body: string;
  /** default: 32 random bytes as upper-case hex, like the documented examples */
  nonce?: string;
  /** default: now, in ms */
  timestamp?: string;
}): SignedBasicRequest {
  const nonce = opts.nonce ?? randomBytes(32).toString("hex").toUpperCase();
  const timestamp = opts.timestamp ?? String(Date.now());
  let payload: string;
  try {
    payload = canonicalJson(opts.body);
  } catch {
    payload = opts.body;
  }
  const signature = signBasic({ accessKey: opts.accessKey, nonce, timestamp, payload }).toUpperCase();
  const query = new URLSearchParams({ signature, timestamp, nonce }).toString();
  return { query, signature, timestamp, nonce };
}
