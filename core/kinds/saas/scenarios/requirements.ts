/**
 * What a SaaS scenario needs of a product: a protocol, and a feature for the scenarios that exercise
 * one (joint-operation sync, order notification, metering). Spread into a scenario: `...forSaas("v2")`.
 */
import type { SaasProduct } from "../product.js";
import type { ProductBase } from "../../../products/definition.js";
import type { SaasProtocol } from "../vocabulary.js";
import type { Scenario } from "../../../simulation/scenario.js";
import type { SimTarget } from "../../../simulation/target.js";

/** A feature a scenario needs: what it is called, and where a definition enables it. */
const FEATURES = {
  jointOperation: { what: "joint-operation sync", field: "jointOperation.enabled", ref: "docs/marketplace/saas.md §5", on: (p: SaasProduct) => p.jointOperation.enabled },
  orderNotify: { what: "order notification", field: "orderNotify.enabled", ref: "docs/marketplace/api-image-openapi.md §5", on: (p: SaasProduct) => p.orderNotify.enabled },
  metering: { what: "metering", field: "metering.enabled", ref: "docs/marketplace/api-image-openapi.md §4", on: (p: SaasProduct) => p.metering.enabled },
} as const;

export function forSaas(protocol: SaasProtocol, feature?: keyof typeof FEATURES): Pick<Scenario, "kind" | "needs" | "fits"> {
  const f = feature ? FEATURES[feature] : undefined;
  return {
    kind: "saas",
    needs: `protocol ${protocol}${f ? `, ${f.what}` : ""}`,
    fits(product: ProductBase) {
      const p = product as SaasProduct;
      if (p.protocol !== protocol) return `is for protocol ${protocol} products; ${p.id} speaks ${p.protocol}`;
      if (f && !f.on(p)) return `needs ${f.what}; ${p.id} does not enable it (${f.field} in ${p.file}, ${f.ref})`;
      return null;
    },
  };
}

/** The SaaS product a SaaS scenario plays (its `fits` let only SaaS products through). */
export function saasProduct(target: SimTarget): SaasProduct {
  return target.product as SaasProduct;
}
