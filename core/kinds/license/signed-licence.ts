/**
 * A signed licence format koogate ships (the demo adapter issues it; a merchant's adapter may too): a
 * JSON payload signed with Ed25519, bound to one device by the SHA-256 of
 * its fingerprint. Signing and verifying live side by side, so the merchant's software (or
 * `koogate license verify`) checks a licence offline with nothing but the public key.
 *
 *   licence = base64url(JSON payload) "." base64url(Ed25519 signature over the first part's bytes)
 *
 * The fingerprint is upper-cased before hashing, as the ISCDesk SDK upper-cases it (docs/marketplace/license.md §3.5).
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { SignatureError } from "../../signing/signature-error.js";

export interface LicensePayload {
  /** format version */
  v: 1;
  /** the koogate product id */
  product: string;
  instanceId: string;
  /** hex SHA-256 of the upper-cased device fingerprint; absent: not bound to a device */
  device?: string;
  /** how many seats (users, devices, …) it grants: the quantity bought (1.0 `amount`); absent: not counted */
  seats?: number;
  /** ISO times; `notAfter` absent: perpetual (a one-off, 按次, purchase) */
  notBefore: string;
  notAfter?: string;
  issuedAt: string;
  /** unique per licence */
  id: string;
}

/** The device binding of a fingerprint. */
export function deviceDigest(fingerprint: string): string {
  return createHash("sha256").update(fingerprint.toUpperCase(), "utf8").digest("hex");
}

/** An Ed25519 private key from a 32-byte seed given as base64 (or a PKCS#8 PEM). */
export function privateKeyFrom(text: string): KeyObject {
  if (text.includes("BEGIN")) return createPrivateKey(text);
  const seed = Buffer.from(text, "base64");
  if (seed.length !== 32) throw new Error("an Ed25519 seed is 32 bytes (base64)");
  // PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410)
  const der = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]);
  return createPrivateKey({ key: der, format: "der", type: "pkcs8" });
}

/** A public key from base64 of its 32 raw bytes, an SPKI PEM, or the private key it belongs to. */
export function publicKeyFrom(text: string): KeyObject {
  if (text.includes("BEGIN PUBLIC KEY")) return createPublicKey(text);
  if (text.includes("BEGIN")) return createPublicKey(createPrivateKey(text));
  const raw = Buffer.from(text, "base64");
  if (raw.length !== 32) throw new Error("an Ed25519 public key is 32 bytes (base64)");
  return createPublicKey({ key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), raw]), format: "der", type: "spki" });
}

/** The raw 32-byte public key as base64: what the merchant ships in the software. */
export function publicKeyText(key: KeyObject): string {
  const pub = key.type === "public" ? key : createPublicKey(key);
  return (pub.export({ format: "der", type: "spki" }) as Buffer).subarray(-32).toString("base64");
}

export function signLicense(payload: LicensePayload, key: KeyObject): string {
  const body = Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
  return `${body}.${sign(null, Buffer.from(body, "ascii"), key).toString("base64url")}`;
}

/**
 * Checks a licence offline: the signature, the device (when `fingerprint` is given) and the validity
 * window at `now` (default the current time). Refuses as every verifier does, with the SignatureError
 * of core/signing/: `malformed` (not `payload.signature`, or a payload that is not a version-1 JSON
 * licence), `bad-signature` (not signed with this key's private half, or signed for another device),
 * `future` (not valid yet) and `stale` (expired). The messages name no secret: a licence's dates are
 * what its holder can read anyway.
 * @throws SignatureError
 */
export function verifyLicense(licence: string, publicKey: KeyObject, opts: { fingerprint?: string; now?: Date } = {}): LicensePayload {
  const [body, sig, extra] = licence.trim().split(".");
  if (!body || !sig || extra !== undefined) throw new SignatureError("malformed", "not a licence (payload.signature)");
  if (!verify(null, Buffer.from(body, "ascii"), publicKey, Buffer.from(sig, "base64url"))) throw new SignatureError("bad-signature", "the signature does not verify with this public key");
  let payload: LicensePayload;
  try {
    payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as LicensePayload;
  } catch {
    throw new SignatureError("malformed", "the payload is not JSON");
  }
  if (payload.v !== 1) throw new SignatureError("malformed", `unknown licence version ${String(payload.v)}`);
  if (opts.fingerprint !== undefined && payload.device !== deviceDigest(opts.fingerprint)) throw new SignatureError("bad-signature", "issued for another device");
  const now = (opts.now ?? new Date()).getTime();
  if (Date.parse(payload.notBefore) > now) throw new SignatureError("future", `not valid before ${payload.notBefore}`);
  if (payload.notAfter && Date.parse(payload.notAfter) < now) throw new SignatureError("stale", `expired at ${payload.notAfter}`);
  return payload;
}

/** The variable the demo adapter reads its Ed25519 signing key from (a base64 seed or a PEM key). */
export const DEMO_LICENSE_KEY_VARIABLE = "DEMO_LICENSE_SIGNING_KEY";
/** The demo's PUBLIC development key seed, used outside production when the variable is unset. */
export const DEMO_LICENSE_DEV_SEED = createHash("sha256").update("koogate-demo-license-development-key").digest("base64");
