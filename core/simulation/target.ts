/** The product a scenario plays the marketplace for, as sim/target.ts loads it. */
import type { ProductBase } from "../products/definition.js";
import { MARKETPLACE_CALL_TIMEOUT_MS } from "../settings/timings.js";

/** KooGallery gives up on an answer after 5 s (docs/marketplace/saas.md §1). */
export const MARKETPLACE_TIMEOUT_MS = MARKETPLACE_CALL_TIMEOUT_MS;

export interface SimTarget {
  /** the loaded definition, keys included (never printed) */
  product: ProductBase;
  /** the server's base URL, e.g. `http://localhost:8080` */
  baseUrl: string;
  /** the production URL registered in the Seller Console: `<baseUrl>/produce/<id>` */
  productionUrl: string;
  /** `testFlag` sent in every body: "1" = a Seller Console debugging call, "0" = a real one (docs/marketplace/saas.md §4) */
  testFlag: "0" | "1";
  /** how long one answer may take; default 5000 ms, as the marketplace (docs/marketplace/saas.md §1) */
  timeoutMs: number;
}
