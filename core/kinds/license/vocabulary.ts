/**
 * The closed vocabularies of License listings (docs/marketplace/license.md), and what the kind declares
 * to the registry: its key type, its activities and its result codes.
 */
import { CODE_ACTIVITIES } from "./code/requests.js";
import { V1_LICENSE_ACTIVITIES } from "./v1/requests.js";

/** The delivery variants of a License listing (docs/marketplace/license.md §0): authorization codes, online activation, the 1.0 licence. */
export const LICENSE_VARIANTS = ["code", "online", "v1"] as const;
export type LicenseVariant = (typeof LICENSE_VARIANTS)[number];

declare module "../../vocabulary.js" {
  interface ResultCodes {
    "000900": true;
    "000901": true;
    "000902": true;
    "000903": true;
  }
  interface KeyTypes {
    license: true;
  }
}

/** What the License kind declares to the registry (core/kinds/kind.ts, `Kind.vocabulary`). */
export const LICENSE_VOCABULARY = {
  keyTypes: { license: "Key of the licence-code interface." },
  // online listings also serve the 2.0 instance activities, which are the core's (core/instances/)
  activities: ["getLicenseAsync", ...CODE_ACTIVITIES, ...V1_LICENSE_ACTIVITIES],
  /** online activation's getLicenseAsync (docs/marketplace/license.md §3.6) */
  resultCodes: {
    /** the current order's licence quota is used up */
    "000900": "the licence quota of the current order is used up",
    /** apply within the current order's validity window */
    "000901": "apply within the validity of the current order",
    /** a periodic licence needs an expiry time */
    "000902": "a periodic licence needs expireTime",
    /** a device fingerprint / hardware ID is required */
    "000903": "deviceFingerprint is required",
  },
};
