/**
 * What every License entry point shares: the served listing's type, the adapter context (the product
 * without its keys, core/serving/adapter-context.ts), and sealing outbox payloads, which carry codes,
 * device fingerprints and buyer details (never at rest in clear).
 */
import { openAtRest, sealAtRest } from "../../crypto/at-rest.js";
import type { Logger } from "../../logger.js";
import type { Served } from "../kind.js";
import { adapterContext, type AdapterContext } from "../../serving/adapter-context.js";
import type { LicenseAdapter, OnlineLicenseAdapter } from "./adapter.js";
import type { LicenseProduct } from "./product.js";

export type ServedLicense<A = LicenseAdapter> = Served<LicenseProduct, A>;

/** An online-activation listing: its instance activities are served by core/instances/. */
export type ServedOnline = ServedLicense<OnlineLicenseAdapter>;

/**
 * The served listing typed with its variant's adapter. No check is needed here: the kernel refused at
 * start any class that lacks one of its variant's methods (ADAPTER_METHODS, ./product.ts).
 */
export function servedAs<A extends LicenseAdapter>(s: ServedLicense): ServedLicense<A> {
  return s as ServedLicense<A>;
}

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
  return adapterContext(p, logger, call);
}
