/**
 * Credential encryption as the marketplace's Java code does it (docs/marketplace/saas.md §7, docs/marketplace/vectors.md §1): AES-CBC
 * with PKCS#5 padding, key from `sha1prngAesKey(accessKey)`, a 16-character alphanumeric IV used as its
 * ASCII bytes, output `iv + base64(ciphertext)`. Used for `appInfo.userName`/`password` in answers and
 * for the encrypted `mobilePhone`/`email` in 1.0 requests.
 */
import { createCipheriv, createDecipheriv, randomInt } from "node:crypto";
import type { EncryptType } from "../vocabulary.js";
import { sha1prngAesKey } from "./sha1prng.js";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** AES-256: what a listing that does not say uses (docs/marketplace/saas.md §7). */
export const DEFAULT_ENCRYPT_TYPE: EncryptType = 1;

/** Key size for an `encryptType`: 1 = AES-256, 2 = AES-128; nothing else is valid. */
export function keyBits(encryptType: EncryptType): 128 | 256 {
  switch (encryptType) {
    case 1:
      return 256;
    case 2:
      return 128;
    default:
      throw new Error(`encryptType must be 1 (AES-256) or 2 (AES-128), not ${String(encryptType)}`);
  }
}

/** A fresh 16-character IV from [A-Za-z0-9]. */
export function randomIv(): string {
  let iv = "";
  for (let i = 0; i < 16; i++) iv += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return iv;
}

export interface CredentialOptions {
  accessKey: string;
  /** 1 = AES-256 (the marketplace's default), 2 = AES-128 */
  encryptType: EncryptType;
  /** 16 alphanumeric characters; default: random. Fixed only in known-answer tests. */
  iv?: string;
}

/** Encrypts `plain` for the marketplace: `iv + base64(AES-CBC(key, iv, utf8(plain)))`. */
export function encryptCredential(plain: string, opts: CredentialOptions): string {
  const bits = keyBits(opts.encryptType);
  const iv = opts.iv ?? randomIv();
  if (!/^[A-Za-z0-9]{16}$/.test(iv)) throw new Error("the IV must be 16 characters from [A-Za-z0-9]");
  const cipher = createCipheriv(`aes-${bits}-cbc`, sha1prngAesKey(opts.accessKey, bits), Buffer.from(iv, "ascii"));
  return iv + Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]).toString("base64");
}

/** Decrypts `iv + base64(ciphertext)`. Throws when the key, type or text is wrong. */
export function decryptCredential(text: string, opts: Omit<CredentialOptions, "iv">): string {
  const bits = keyBits(opts.encryptType);
  if (text.length < 17) throw new Error("the encrypted text is too short");
  const decipher = createDecipheriv(
    `aes-${bits}-cbc`,
    sha1prngAesKey(opts.accessKey, bits),
    Buffer.from(text.slice(0, 16), "ascii"),
  );
  return Buffer.concat([decipher.update(Buffer.from(text.slice(16), "base64")), decipher.final()]).toString("utf8");
}
