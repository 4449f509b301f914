/** How each authorization-code call (docs/marketplace/license.md §2.2) calls the adapter (run by ../calls.ts). */
import type { LicenseCodeAdapter, CodeRequest, RenewCodeRequest, RevokeCodeRequest } from "../adapter.js";
import { reviveDate, type CallSpec, type CallTable } from "../calls.js";

export const CODE_CALLS: CallTable<LicenseCodeAdapter> = {
  refreshLicenseCode: {
    invoke: (a, r, ctx) => a.renewCode(r, ctx),
    revive: (stored) => reviveDate(stored, "expireAt") as unknown as RenewCodeRequest,
  } satisfies CallSpec<LicenseCodeAdapter, RenewCodeRequest>,
  updateLicenseCodeStatus: {
    invoke: (a, r, ctx) => (r.status === "FREEZE" ? a.freezeCode({ license: r.license }, ctx) : a.unfreezeCode({ license: r.license }, ctx)),
  } satisfies CallSpec<LicenseCodeAdapter, CodeRequest & { status: "FREEZE" | "UNFREEZE" }>,
  releaseLicenseCode: { invoke: (a, r, ctx) => a.revokeCode(r, ctx) } satisfies CallSpec<LicenseCodeAdapter, RevokeCodeRequest>,
};
