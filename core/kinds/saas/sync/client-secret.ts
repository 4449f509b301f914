/**
 * applicationSync's `clientSecret` is encrypted by KooGallery with the merchant's own RSA public key
 * (the one uploaded in the Seller Console, ≥ 3072 bits, OAEP padding — docs/marketplace/saas.md §5). Which hash the OAEP
 * padding uses is UNCONFIRMED, as is the text encoding of the ciphertext (base64 is assumed): SHA-256
 * OAEP is tried first, then SHA-1 OAEP (Java's default for "RSA/ECB/OAEPPadding"), and the caller logs
 * which matched.
 */
import { constants, privateDecrypt, publicEncrypt, type KeyLike, type KeyObject } from "node:crypto";

export const OAEP_HASHES = ["sha256", "sha1"] as const;
export type OaepHash = (typeof OAEP_HASHES)[number];

export interface OpenedSecret {
  secret: string;
  /** which OAEP hash opened it */
  oaepHash: OaepHash;
}

/** Opens a base64 clientSecret; null when neither padding opens it (the caller answers 000101). */
export function openClientSecret(cipherText: string, privateKey: KeyObject): OpenedSecret | null {
  const bytes = Buffer.from(cipherText, "base64");
  if (bytes.length === 0) return null;
  for (const oaepHash of OAEP_HASHES) {
    try {
      const plain = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, bytes);
      return { secret: plain.toString("utf8"), oaepHash };
    } catch {
      // the other hash, or not ours
    }
  }
  return null;
}

/** Encrypts a clientSecret as KooGallery does (for the simulator and the tests). */
export function sealClientSecret(secret: string, publicKey: KeyLike, oaepHash: OaepHash = "sha256"): string {
  return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, Buffer.from(secret, "utf8")).toString("base64");
}
