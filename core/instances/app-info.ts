/**
 * The buyer's sign-in information (AppInfo, docs/marketplace/saas.md §4.2) as koogate keeps it and sends it: stored
 * sealed, answered with userName/password AES-encrypted when the listing asks for it (always on 1.0,
 * docs/marketplace/saas.md §7), and redacted in the event log.
 */
import { openAtRest, sealAtRest } from "../crypto/at-rest.js";
import { DEFAULT_ENCRYPT_TYPE, encryptCredential } from "../crypto/credential.js";
import type { InstanceProduct as Product } from "./product.js";
import type { AppInfo, NewInstanceResult } from "./adapter.js";

/** Only the AppInfo fields, in the documented order, without empty ones. */
export function cleanAppInfo(a: AppInfo | undefined): AppInfo | undefined {
  if (!a) return undefined;
  const out: AppInfo = {};
  for (const k of ["frontEndUrl", "adminUrl", "userName", "password", "memo"] as const) {
    if (typeof a[k] === "string" && a[k] !== "") out[k] = a[k];
  }
  return Object.keys(out).length ? out : undefined;
}

/** The stored appInfo as sent on the wire: credentials encrypted when the definition asks for it. */
export function wireAppInfo(p: Product, sealed: string): AppInfo {
  const info = JSON.parse(openAtRest(sealed, p.keys.basic)) as AppInfo;
  if (p.credentials !== "encrypted") return info;
  const enc = (v: string | undefined) => (v === undefined ? undefined : encryptCredential(v, { accessKey: p.keys.basic[0]!, encryptType: p.encryptType ?? DEFAULT_ENCRYPT_TYPE }));
  return cleanAppInfo({ ...info, userName: enc(info.userName), password: enc(info.password) })!;
}

/** The appInfo as written to the event log: no credential, encrypted or not. */
export function redactAppInfo(a: AppInfo): AppInfo {
  return { ...a, ...(a.userName ? { userName: "***" } : {}), ...(a.password ? { password: "***" } : {}) };
}

/** The adapter's appInfo, sealed for storage with the product's current key; null when it gave none. */
export function sealAppInfo(product: Product, result: NewInstanceResult | void): string | null {
  const appInfo = cleanAppInfo(result?.appInfo);
  return appInfo ? sealAtRest(JSON.stringify(appInfo), product.keys.basic[0]!) : null;
}
