/**
 * Encryption of secrets koogate stores (the credentials an adapter returns, for queryInstance):
 * AES-256-GCM with a key derived by HKDF from the product's access key, so nothing else has to be
 * configured, and a key id in the stored text so that a rotated key still opens older rows.
 *
 * Stored form: `g1.<kid>.<iv b64url>.<tag b64url>.<ciphertext b64url>`.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";

const INFO = "koogate at-rest v1";

/** Derived keys by secret: a handful per server (one per configured key), derived once. */
const derived = new Map<string, { key: Buffer; kid: string }>();

function derive(secret: string): { key: Buffer; kid: string } {
  let d = derived.get(secret);
  if (!d) {
    d = deriveUncached(secret);
    derived.set(secret, d);
  }
  return d;
}

function deriveUncached(secret: string): { key: Buffer; kid: string } {
  const key = Buffer.from(hkdfSync("sha256", secret, "koogate", INFO, 32));
  const kid = createHash("sha256").update(key).digest("base64url").slice(0, 8);
  return { key, kid };
}

/** GCM's 96-bit IV. */
const IV_BYTES = 12;
/** IVs drawn from the CSPRNG at once: one call into OpenSSL per this many seals (each call cost ~25 µs, a newInstance seals once). */
const IVS_PER_DRAW = 256;
let ivs = Buffer.alloc(0);
let ivAt = 0;

/** A fresh random IV, each handed out once: a slice of a block drawn from the CSPRNG (as Node's randomUUID draws its UUIDs). */
function nextIv(): Buffer {
  if (ivAt >= ivs.length) {
    ivs = randomBytes(IV_BYTES * IVS_PER_DRAW);
    ivAt = 0;
  }
  const iv = ivs.subarray(ivAt, ivAt + IV_BYTES);
  ivAt += IV_BYTES;
  return iv;
}

export function sealAtRest(plain: string, secret: string): string {
  const { key, kid } = derive(secret);
  const iv = nextIv();
  const c = createCipheriv("aes-256-gcm", key, iv);
  const ct = Buffer.concat([c.update(plain, "utf8"), c.final()]);
  return ["g1", kid, iv.toString("base64url"), c.getAuthTag().toString("base64url"), ct.toString("base64url")].join(".");
}

/** Opens a sealed value with whichever of `secrets` sealed it; throws when none did. */
export function openAtRest(sealed: string, secrets: readonly string[]): string {
  const [v, kid, iv, tag, ct] = sealed.split(".");
  if (v !== "g1" || !kid || !iv || !tag || ct === undefined) throw new Error("not a sealed value");
  for (const secret of secrets) {
    const d = derive(secret);
    if (d.kid !== kid) continue;
    const dec = createDecipheriv("aes-256-gcm", d.key, Buffer.from(iv, "base64url"));
    dec.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([dec.update(Buffer.from(ct, "base64url")), dec.final()]).toString("utf8");
  }
  throw new Error("sealed with a key that is no longer configured");
}
