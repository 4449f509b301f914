/**
 * The contract between koogate and a merchant's licensing backend: one typed interface per variant
 * (docs/marketplace/license.md §0). Adapters issue, renew, freeze and revoke licences; they never see a signature, a
 * resend, a retry or the wire. Export the class with `static kind = "license"` from a module the koogate
 * config lists (`adapters`) and name it in the definition; koogate checks at start that it has its variant's methods.
 *
 * Every method may throw: koogate answers `000005` and the marketplace resends. To answer a specific
 * code, throw `new CallError(code)` (e.g. `000900` when an order's licence quota is used up).
 */
import type { InstanceAdapter } from "../../instances/adapter.js";
import type { AdapterContext } from "../../serving/adapter-context.js";
import type { PurchaseTerms } from "../../lifecycle/terms.js";

export type { AdapterContext, PurchaseTerms };

/** A code's new validity, from `refreshLicenseCode` (docs/marketplace/license.md §2.2). Called once per (code, order). */
export interface RenewCodeRequest {
  /** the authorization code */
  license: string;
  /** `RENEWAL`, `UNSUBSCRIBE_RENEWAL_PERIOD`, or a newer scene passed through */
  scene: string;
  /** the renewal (or cancellation) order */
  orderId: string;
  orderLineId: string;
  /** the new marketplace productId when the billing cycle changed */
  productId?: string;
  /** the new expiry (UTC) */
  expireAt: Date;
}

export interface CodeRequest {
  license: string;
}

export interface RevokeCodeRequest extends CodeRequest {
  /** the unsubscription order, when the release comes from one */
  orderId?: string;
  orderLineId?: string;
}

/**
 * Variant `code`: KooGallery makes the codes; the merchant's backend learns of renewals, freezes and
 * releases. koogate skips a freeze of a frozen code, an unfreeze of an active one and a release of a
 * released one, and calls `renewCode` once per renewal order.
 */
export interface LicenseCodeAdapter {
  renewCode(req: RenewCodeRequest, ctx: AdapterContext): Promise<void>;
  freezeCode(req: CodeRequest, ctx: AdapterContext): Promise<void>;
  unfreezeCode(req: CodeRequest, ctx: AdapterContext): Promise<void>;
  revokeCode(req: RevokeCodeRequest, ctx: AdapterContext): Promise<void>;
}

/** One device's licence request (getLicenseAsync, docs/marketplace/license.md §3.5; getLicense, §4). */
export interface IssueLicenseRequest {
  instanceId: string;
  /** the marketplace's event (online) — the licence is uploaded for it; the orderId on a 1.0 listing */
  eventId: string;
  /** the device fingerprint / hardware ID the licence is bound to; absent on a 1.0 listing */
  deviceFingerprint?: string;
  /** licence start, as sent (`2023-10-27 10:30:15 z`); absent on a 1.0 listing */
  effectiveTime?: string;
  /** licence end, as sent; absent for a perpetual licence */
  expireTime?: string;
  /** 1.0 only: the marketplace productId and SKU bought */
  productId?: string;
  skuCode?: string;
  /**
   * 1.0 only: what was bought — `amount` (e.g. 30 seats), `chargingMode` (3 = one-off, 按次: then no
   * `expireTime`), `periodType`, `periodNumber`; size the licence by it
   */
  terms?: PurchaseTerms;
  /** 1.0 only: a trial purchase (trialFlag=1) */
  trial?: boolean;
}

/** A licence: a string (uploaded as CHARACTERS, at most 1024 characters) or a file (uploaded as FILE). */
export type IssuedLicense = { characters: string } | { fileName: string; content: Buffer };

/**
 * Variant `online`: the instance activities (core/instances/adapter.ts, the same as a SaaS adapter's; an
 * online licence instance has no sign-in information, so `newInstance` answers `{}`) plus
 * `issueLicense`, called once per (eventId, deviceFingerprint) — a resend gets the stored licence.
 */
export interface OnlineLicenseAdapter extends Pick<InstanceAdapter, "newInstance" | "refreshInstance" | "updateInstanceStatus" | "releaseInstance" | "upgradeInstance"> {
  issueLicense(req: IssueLicenseRequest, ctx: AdapterContext): Promise<IssuedLicense>;
}

export interface RenewLicenseRequest {
  instanceId: string;
  orderId: string;
  productId?: string;
  expireAt: Date;
  /** `year` / `month`, when sent */
  periodType?: string;
  periodNumber?: number;
  /**
   * true when this renewal makes an expired licence usable again: 1.0 has no unfreeze call, so a
   * renewal of an expired instance is what lifts the expiry (core/lifecycle/table.ts)
   */
  resumes?: true;
}

export interface LicenseInstanceRequest {
  instanceId: string;
  orderId?: string;
}

/**
 * Variant `v1`: `issueLicense` once per purchase order (its string is answered to getLicense; a file
 * is refused: 1.0 answers a string), then renewals, expiry and revocation of that instance.
 */
export interface V1LicenseAdapter {
  issueLicense(req: IssueLicenseRequest, ctx: AdapterContext): Promise<IssuedLicense>;
  renewLicense(req: RenewLicenseRequest, ctx: AdapterContext): Promise<void>;
  expireLicense(req: LicenseInstanceRequest, ctx: AdapterContext): Promise<void>;
  revokeLicense(req: LicenseInstanceRequest, ctx: AdapterContext): Promise<void>;
}

/** Any License adapter; the variant decides which of these a listing's class must be. */
export type LicenseAdapter = LicenseCodeAdapter | OnlineLicenseAdapter | V1LicenseAdapter;
