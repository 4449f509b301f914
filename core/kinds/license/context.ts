/**
 * What every License entry point shares: the served listing's type, the adapter context (the product
 * without its keys, as a SaaS adapter receives it), and sealing outbox payloads, which carry codes,
 * device fingerprints and buyer details (never at rest in clear).
 */
import { openAtRest, sealAtRest } from "../../crypto/at-rest.js";
import type { Logger } from "../../logger.js";
import type { Served } from "../kind.js";
import { adapterContext } from "../saas/context.js";
import type { AdapterContext } from "../saas/adapter.js";
import type { LicenseAdapter } from "./adapter.js";
import type { LicenseProduct } from "./product.js";

export type ServedLicense<A = LicenseAdapter> = Served<LicenseProduct, A>;

/** The key a listing's stored payloads are sealed with: the key its interface is signed with. */
function sealKeys(p: LicenseProduct): readonly string[] {
  return p.variant === "code" ? p.keys.license : p.keys.basic;
}

export function sealPayload(p: LicenseProduct, value: unknown): string {
  return sealAtRest(JSON.stringify(value), sealKeys(p)[0]!);
}

/** @throws when the payload cannot be opened (a key no longer configured) or read */
export function openPayload<T>(p: LicenseProduct, sealed: string): T {
  return JSON.parse(openAtRest(sealed, sealKeys(p))) as T;
}

/** The context of one adapter call, bound to the call's activity and instance (or code reference). */
export function licenseContext(p: LicenseProduct, logger: Logger, call: { activity: string; instanceId: string; test: boolean; id?: number }): AdapterContext {
  return adapterContext(p.saasView, logger, call);
}
