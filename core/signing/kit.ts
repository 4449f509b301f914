/**
 * Joint-operation SaaS sync signature (saas.md §2.2, vectors.md §4): headers `x-sign`, `x-timestamp`,
 * `x-nonce`, signed with the separate "kit" key and, unlike the basic scheme, with no inner body hash:
 *
 *   x-sign = hex HMAC-SHA256(kitKey, kitKey + nonce + timestamp + payload)
 */
import { createHmac, randomBytes } from "node:crypto";
import { callErrors } from "../errors.js";
import { canonicalJson } from "./canonical.js";
import { payloadCandidates, type PayloadForm } from "./basic.js";
import { safeEqual } from "./compare.js";
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
 * @throws CallError 000002 (missing/stale timestamp, missing nonce) or 000001 (signature)
 */
export function verifyKit(input: KitVerifyInput): KitVerified {
  const timestamp = input.header("x-timestamp");
  const nonce = input.header("x-nonce");
  const signature = input.header("x-sign");
  if (!nonce) throw callErrors.param("x-nonce is missing");
  const timestampMs = checkTimestamp(timestamp, input.nowMs, input.toleranceMs ?? DEFAULT_TOLERANCE_MS);
  if (!signature) throw callErrors.auth("x-sign is missing");
  const wanted = signature.toLowerCase();
  for (const [form, payload] of payloadCandidates(input.rawBody)) {
    for (let keyIndex = 0; keyIndex < input.keys.length; keyIndex++) {
      const kitKey = input.keys[keyIndex]!;
      if (safeEqual(signKit({ kitKey, nonce, timestamp: timestamp!, payload }), wanted)) {
        return { nonce, timestampMs, keyIndex, form };
      }
    }
  }
  throw callErrors.auth("x-sign does not match the body with any active kit key");
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
