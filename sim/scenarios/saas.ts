/**
 * What a SaaS scenario needs of a product: a protocol, and joint-operation sync for the sync scenarios.
 * Spread into a scenario: `...forSaas("v2")`.
 */
import type { SaasProduct } from "../../core/kinds/saas/product.js";
import type { ProductBase } from "../../core/products/definition.js";
import type { SaasProtocol } from "../../core/vocabulary.js";
import type { Scenario } from "../scenario.js";
import type { SimTarget } from "../target.js";

export function forSaas(protocol: SaasProtocol, feature?: "jointOperation"): Pick<Scenario, "kind" | "needs" | "fits"> {
  return {
    kind: "saas",
    needs: `protocol ${protocol}${feature ? ", joint-operation sync" : ""}`,
    fits(product: ProductBase) {
      const p = product as SaasProduct;
      if (p.protocol !== protocol) return `is for protocol ${protocol} products; ${p.id} speaks ${p.protocol}`;
      if (feature === "jointOperation" && !p.jointOperation.enabled) {
        return `needs joint-operation sync; ${p.id} does not enable it (jointOperation.enabled in ${p.file}, docs/marketplace/saas.md §5)`;
      }
      return null;
    },
  };
}

/** The SaaS product a SaaS scenario plays (its `fits` let only SaaS products through). */
export function saasProduct(target: SimTarget): SaasProduct {
  return target.product as SaasProduct;
}
