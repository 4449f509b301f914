/**
 * The License kind's simulator scenarios (`koogate sim <listing> <scenario>`), in the order `--help`
 * lists them: its own, then the shared ones it plays (core/simulation/scenarios/), named `license-<scenario>`.
 */
import type { ProductBase } from "../../../products/definition.js";
import type { Scenario } from "../../../simulation/scenario.js";
import { callsMadeOnce } from "../../../simulation/scenarios/calls-made-once.js";
import { playDelivery } from "../../../simulation/scenarios/delivery.js";
import { expireRenewExpire } from "../../../simulation/scenarios/expire-renew-expire.js";
import { orderNotify } from "../../../simulation/scenarios/order-notify.js";
import { quantities } from "../../../simulation/scenarios/quantities.js";
import { usageNow } from "../../../simulation/scenarios/usage-now.js";
import type { LicenseProduct } from "../product.js";
import { licenseCodeLifecycle } from "./code-lifecycle.js";
import { LICENSE_DELIVERY } from "./delivery.js";
import { licenseOnlineLifecycle } from "./online-lifecycle.js";
import { licenseRelay } from "./relay.js";
import { licenseV1Lifecycle } from "./v1-lifecycle.js";

/** `fits` of a scenario for online listings that enable `feature` (metering, order notification). */
function onlineWith(feature: "metering" | "orderNotify", what: string) {
  return (product: ProductBase): string | null => {
    const p = product as LicenseProduct;
    if (p.variant !== "online") return `is for variant online License products; ${p.id} is variant ${p.variant}`;
    return p[feature].enabled ? null : `needs ${what}; ${p.id} does not enable it (${feature}.enabled in ${p.file})`;
  };
}

export const LICENSE_SCENARIOS: readonly Scenario[] = [
  licenseCodeLifecycle,
  licenseOnlineLifecycle,
  licenseV1Lifecycle,
  licenseRelay,
  // the marketplace's delivery semantics (docs/marketplace/lifecycle.md)
  playDelivery(LICENSE_DELIVERY, expireRenewExpire),
  playDelivery(LICENSE_DELIVERY, callsMadeOnce),
  {
    ...usageNow,
    name: "license-usage-now",
    summary: "online License: queryInstance right after a purchase answers the usage in real time",
    kind: "license",
    needs: "variant online, metering",
    fits: onlineWith("metering", "metering"),
  },
  playDelivery(LICENSE_DELIVERY, quantities),
  {
    ...orderNotify,
    name: "license-order-notify",
    summary: "online License: notify an order; koogate queries it at the local marketplace and stores it once",
    kind: "license",
    needs: "variant online, order notification",
    fits: onlineWith("orderNotify", "order notification"),
  },
];
