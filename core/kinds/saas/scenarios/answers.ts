/**
 * What the SaaS scenarios check of an answer beyond the judge's checks of every answer (core/simulation/judge.ts):
 * a 1.0 newInstance answer carries the product's `encryptType` and an appInfo whose userName and
 * password decrypt with the product's key and it, while the instanceId stays in clear
 * (docs/marketplace/saas.md §9, §7).
 */
import { decryptCredential } from "../../../crypto/credential.js";
import type { EncryptType } from "../../../vocabulary.js";
import { credentialProblem, type AnswerCheck } from "../../../simulation/judge.js";

/** The check of a 1.0 newInstance answer for a product whose `encryptType` is `type`. */
export function encryptedAppInfo(type: EncryptType): AnswerCheck {
  return (o, key, j) => {
    // without a valid instanceId the judge has already said why
    if (j.instanceId === undefined) return;
    const problem = encryptedAppInfoProblem(o, j.instanceId, type, key);
    if (problem) j.failures.push(problem);
    else j.withCredentials.push(j.instanceId);
  };
}

/** null when a 1.0 newInstance answer carries the product's encryptType and decryptable credentials. */
function encryptedAppInfoProblem(o: Record<string, unknown>, instanceId: string, type: EncryptType, key: string): string | null {
  if (o.encryptType !== String(type)) return `encryptType ${JSON.stringify(o.encryptType)}, expected "${type}", the product's (docs/marketplace/saas.md §7, §9)`;
  if (!o.appInfo || typeof o.appInfo !== "object" || Array.isArray(o.appInfo)) return "a 1.0 newInstance answer must carry appInfo (docs/marketplace/saas.md §9)";
  const appInfo = o.appInfo as Record<string, unknown>;
  for (const f of ["userName", "password"]) {
    if (typeof appInfo[f] !== "string" || appInfo[f] === "") return `appInfo.${f} is missing (docs/marketplace/saas.md §9)`;
  }
  if (decryptsToText(instanceId, type, key)) return "instanceId is encrypted: it must be sent in clear (docs/marketplace/saas.md §7)";
  return credentialProblem(appInfo, o.encryptType, key);
}

/** True when `value` decrypts to printable text: it was sent encrypted (some third-party code does, docs/marketplace/saas.md §7). */
function decryptsToText(value: string, type: EncryptType, key: string): boolean {
  try {
    return /^[\x20-\x7e]+$/.test(decryptCredential(value, { accessKey: key, encryptType: type }));
  } catch {
    return false;
  }
}

