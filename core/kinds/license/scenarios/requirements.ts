/**
 * What a License scenario needs of a product: its variant. Spread into a scenario: `...forLicense("code")`.
 * Also the local marketplace's `/_local/*` routes the License scenarios use (sim/marketplace/app.ts).
 */
import type { LicenseProduct } from "../product.js";
import type { ProductBase } from "../../../products/definition.js";
import type { LicenseVariant } from "../vocabulary.js";
import type { Scenario, ScenarioOption } from "../../../simulation/scenario.js";

export function forLicense(variant: LicenseVariant): Pick<Scenario, "kind" | "needs" | "fits"> {
  return {
    kind: "license",
    needs: `variant ${variant}`,
    fits(product: ProductBase) {
      const p = product as LicenseProduct;
      return p.variant === variant ? null : `is for variant ${variant} License products; ${p.id} is variant ${p.variant}`;
    },
  };
}

/** The `--marketplace` option: where `koogate marketplace` listens. */
export const MARKETPLACE_OPTION: ScenarioOption = { type: "string", description: "the local marketplace (koogate marketplace) the server calls", default: "http://127.0.0.1:8090" };

/** Asks the local marketplace for a received test authorization code (docs/marketplace/license.md §2.4). */
export async function issueTestCode(marketplaceUrl: string): Promise<string> {
  const res = await fetch(`${marketplaceUrl}/_local/licenses`, { method: "POST", body: "{}" });
  if (res.status !== 201) throw new Error(`the local marketplace at ${marketplaceUrl} did not issue a code (HTTP ${res.status})`);
  return ((await res.json()) as { code: string }).code;
}

/** The uploads the local marketplace received for `eventId`. */
export async function uploadsOf(marketplaceUrl: string, eventId: string): Promise<Array<{ type: string; characters?: string }>> {
  const res = await fetch(`${marketplaceUrl}/_local/uploads`);
  const all = ((await res.json()) as { uploads: Array<{ eventId: string; type: string; characters?: string }> }).uploads;
  return all.filter((u) => u.eventId === eventId);
}
