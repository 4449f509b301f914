/**
 * Which calls the marketplace resends until it is answered 000000, and which it makes once
 * (docs/marketplace/lifecycle.md "Calls made once"). A call made once must not be lost on a transient
 * adapter failure: its work is handed to the durable outbox and answered 000000 once queued
 * (core/outbox/outbox.ts `start`, option `once`). A resent call keeps answering the failure, so the
 * marketplace's next delivery tries again.
 *
 * Readings (the seller documentation, as docs/marketplace/ cites it):
 * - expiry and release: made once ("on a failed expiry / release call, KooGallery calls once"; the seller
 *   restarts it by hand from the Seller Console), docs/marketplace/saas.md §4.4–4.5, license.md §4;
 * - 1.0 licence renewal (refreshLicense): made once, license.md §4;
 * - purchases (newInstance, getLicense): resent for hours, saas.md §4.1, license.md §4;
 * - authorization-code calls: resent 60 times, every 2 minutes, license.md §2.2;
 * - getLicenseAsync: resent for the same application, license.md §3.5; orderNotify: resent for 3 h;
 * - 2.0 renewal, unfreeze and upgrade: the retry schedule is UNCONFIRMED (saas.md §11 item 6), so they
 *   are treated as made once (the most compatible reading: a resend of a queued call is answered
 *   000000 again without repeating the work).
 */

export type Delivery = "resent" | "once";

/** Per activity (the name the lifecycle runs it under; 1.0 SaaS calls are mapped onto the 2.0 names). */
export const DELIVERY = {
  newInstance: "resent",
  refreshInstance: "once",
  updateInstanceStatus: "once",
  releaseInstance: "once",
  upgradeInstance: "once",
  getLicense: "resent",
  refreshLicense: "once",
  expireLicense: "once",
  releaseLicense: "once",
  refreshLicenseCode: "resent",
  updateLicenseCodeStatus: "resent",
  releaseLicenseCode: "resent",
  getLicenseAsync: "resent",
  orderNotify: "resent",
} as const satisfies Record<string, Delivery>;

/** True when the marketplace makes `activity` once; an activity not in the table is treated as made once (UNCONFIRMED: nothing lost). */
export function calledOnce(activity: string): boolean {
  return !Object.hasOwn(DELIVERY, activity) || DELIVERY[activity as keyof typeof DELIVERY] === "once";
}

/**
 * The adapter calls that change what a buyer may use, per instance (or code): the outbox runs these in
 * the order they were answered, one at a time per instance, so a call queued for a retry is never
 * overtaken by a later one (a release heard before the freeze it followed).
 */
export const ORDERED_ACTIVITIES = [
  "newInstance",
  "refreshInstance",
  "updateInstanceStatus",
  "releaseInstance",
  "upgradeInstance",
  "refreshLicense",
  "expireLicense",
  "releaseLicense",
  "refreshLicenseCode",
  "updateLicenseCodeStatus",
  "releaseLicenseCode",
] as const;
