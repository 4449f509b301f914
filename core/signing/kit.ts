/**
 * Joint-operation SaaS sync signature (docs/marketplace/saas.md §2.2, docs/marketplace/vectors.md §4): headers `x-sign`, `x-timestamp`,
 * `x-nonce`, signed with the separate "kit" key and, unlike the basic scheme, with no inner body hash:
 *
 *   x-sign = hex HMAC-SHA256(kitKey, kitKey + nonce + timestamp + payload)
 */
import { createHmac, randomBytes } from "node:crypto";
import { PRINTABLE_ASCII, MAX_NONCE_LENGTH } from "./basic.js";
import { canonicalJson, matchSignature, type PayloadForm } from "./canonical.js";
import { SignatureError } from "./signature-error.js";
import { checkTimestamp, DEFAULT_TOLERANCE_MS } from "./timestamp.js";

export interface KitSignInput {
  kitKey: string;
  nonce: string;
  timestamp: string;
  payload: string | Buffer;
}

/** The hex (lower-case) `x-sign` value. */
export function signKit({ kitKey, nonce, timestamp, payload }: KitSignInput): string {
  return createHmac("sha256", kitKey)
    .update(Buffer.concat([Buffer.from(kitKey + nonce + timestamp, "utf8"), Buffer.from(payload)]))
    .digest("hex");
}

export interface KitVerifyInput {
  rawBody: Buffer;
  /** header lookup (lower-case names) */
  header: (name: "x-sign" | "x-timestamp" | "x-nonce") => string | undefined;
  keys: readonly string[];
  nowMs: number;
  /** allowed skew either way; default 60 000 ms. Must be positive. */
  toleranceMs?: number;
}

export interface KitVerified {
  nonce: string;
  timestampMs: number;
  keyIndex: number;
  form: PayloadForm;
}

/**
 * Verifies a joint-op sync request on the raw bytes first, then on the canonical forms.
 * @throws SignatureError missing-parameter, malformed, stale, future, missing-signature or bad-signature
 */
export function verifyKit(input: KitVerifyInput): KitVerified {
  const timestamp = input.header("x-timestamp");
  const nonce = input.header("x-nonce");
  const signature = input.header("x-sign");
  if (!nonce) throw new SignatureError("missing-parameter", "x-nonce is missing");
  if (nonce.length > MAX_NONCE_LENGTH) throw new SignatureError("malformed", "x-nonce is too long");
  if (!PRINTABLE_ASCII.test(nonce)) throw new SignatureError("malformed", "x-nonce holds a character other than printable ASCII");
  const timestampMs = checkTimestamp(timestamp, input.nowMs, input.toleranceMs ?? DEFAULT_TOLERANCE_MS);
  if (!signature) throw new SignatureError("missing-signature", "x-sign is missing");
  const match = matchSignature(input.rawBody, input.keys, signature.toLowerCase(), (kitKey, payload) => signKit({ kitKey, nonce, timestamp: timestamp!, payload }));
  if (!match) throw new SignatureError("bad-signature", "x-sign does not match the body with any active kit key");
  return { nonce, timestampMs, ...match };
}

/** Headers for a sync request signed as KooGallery does (for the simulator and the tests). */
export function signKitRequest(opts: { kitKey: string; body: string; nonce?: string; timestamp?: string }) {
  const nonce = opts.nonce ?? randomBytes(32).toString("hex").toUpperCase();
  const timestamp = opts.timestamp ?? String(Date.now());
  let payload: string;
  try {
    payload = canonicalJson(opts.body);
  } catch {
    payload = opts.body;
  }
  const sign = signKit({ kitKey: opts.kitKey, nonce, timestamp, payload }).toUpperCase();
  return { "x-sign": sign, "x-timestamp": timestamp, "x-nonce": nonce };
}
