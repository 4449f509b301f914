/**
 * What koogate itself knows of a code, read from the licence tables: a code the production interface
 * froze or released (updateLicenseCodeStatus FREEZE / releaseLicenseCode, answered 000000) is answered
 * as such by the relay at once, whatever the marketplace's own status still says — its query lags
 * behind (issue 18, item 5). The relay reads the local lifecycle here and nowhere else.
 */
import type { CodeRow } from "../codes.js";

/** The relay's word for a code the production interface stopped: not ALIVE, so the software stops too. */
export type LocalStatus = "FROZEN" | "RELEASED";

/** The status the production interface gave `row`'s code, or null when it left the code usable. */
export function localStatus(row: CodeRow | undefined): LocalStatus | null {
  switch (row?.status) {
    case "released":
      return "RELEASED";
    case "frozen":
      return "FROZEN";
    default:
      return null;
  }
}
