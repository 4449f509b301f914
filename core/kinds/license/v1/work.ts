/** How each 1.0 licence call after the purchase calls the adapter (run by ../calls.ts). */
import type { LicenseInstanceRequest, RenewLicenseRequest, V1LicenseAdapter } from "../adapter.js";
import { reviveDate, type CallSpec, type CallTable } from "../calls.js";

export const V1_CALLS: CallTable<V1LicenseAdapter> = {
  refreshLicense: {
    invoke: (a, r, ctx) => a.renewLicense(r, ctx),
    revive: (stored) => reviveDate(stored, "expireAt") as unknown as RenewLicenseRequest,
  } satisfies CallSpec<V1LicenseAdapter, RenewLicenseRequest>,
  expireLicense: { invoke: (a, r, ctx) => a.expireLicense(r, ctx) } satisfies CallSpec<V1LicenseAdapter, LicenseInstanceRequest>,
  releaseLicense: { invoke: (a, r, ctx) => a.revokeLicense(r, ctx) } satisfies CallSpec<V1LicenseAdapter, LicenseInstanceRequest>,
};
