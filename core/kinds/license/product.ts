/**
 * A License listing's own part of a product definition (its schema is in ./schema.ts): the variant,
 * how adapter work that outlives the deadline is run, and the licence relay's limits.
 */
import { ACCESS_KEYS_FIX } from "../../products/requirements.js";
import { SetupError } from "../../errors.js";
import type { BaseDefinition, ProductBase } from "../../products/definition.js";
import type { KeyType } from "../../vocabulary.js";
import type { LicenseVariant } from "./vocabulary.js";
import type { FeatureSettings, LoadContext } from "../kind.js";
import { DEFAULT_PROVISIONING, type ProvisioningSettings } from "../../outbox/provisioning.js";
import type { LifecycleProtocol } from "../../lifecycle/table.js";
import { loadMetering, type MeteringSettings } from "../../metering/definition.js";
import { loadOrderNotify, type OrderNotifySettings } from "../../orders/definition.js";

/** A License definition as written in `products/<id>.yaml`. */
export interface LicenseDefinition extends BaseDefinition {
  kind: "license";
  variant: LicenseVariant;
  provisioning?: Partial<ProvisioningSettings>;
  relay?: Partial<RelaySettings>;
}

/** The licence relay's settings (variant code). */
export interface RelaySettings {
  enabled: boolean;
  /** the KooGallery product ids the listing sells; required while the relay is on */
  productIds: readonly string[];
  /** the SKUs it serves; empty: every SKU of `productIds` */
  skuCodes: readonly string[];
  /** default 60 */
  unknownCodesPerMinute: number;
  /** default 60 */
  perAddressPerMinute: number;
  /** default 30 */
  perCodePerMinute: number;
  /** default 100 (the usage API's limit per code) */
  clientsPerCodePerDay: number;
}

export const DEFAULT_RELAY: RelaySettings = { enabled: true, productIds: [], skuCodes: [], unknownCodesPerMinute: 60, perAddressPerMinute: 60, perCodePerMinute: 30, clientsPerCodePerDay: 100 };

/** A License listing after loading. */
export interface LicenseProduct extends ProductBase {
  kind: "license";
  variant: LicenseVariant;
  /**
   * whose lifecycle rules apply (core/lifecycle/table.ts): 1.0 for variant v1, else 2.0. The online
   * variant's instance activities are the shared ones (core/instances/, docs/marketplace/license.md
   * §3.1–3.4), which read it; an online licence instance has no sign-in information, so the listing
   * sets no credential settings.
   */
  protocol: LifecycleProtocol;
  provisioning: ProvisioningSettings;
  relay: RelaySettings;
  /** order notification on the production URL (core/orders/); variant online */
  orderNotify: OrderNotifySettings;
  /** metering of a listing billed by use (core/metering/); variant online */
  metering: MeteringSettings;
}

/**
 * The key types a License definition's interfaces check: the authorization-code calls are signed with
 * the `license` key (the Seller Console binds a separate key to that interface type, docs/marketplace/license.md §1);
 * online activation and the 1.0 licence use the basic key.
 */
export function licenseKeyTypes(def: LicenseDefinition): KeyType[] {
  return [def.variant === "code" ? "license" : "basic", ...(loadOrderNotify(def).enabled ? (["general"] as const) : [])];
}

/** The adapter methods each variant calls (./adapter.ts). */
export const ADAPTER_METHODS: Readonly<Record<LicenseVariant, readonly string[]>> = {
  code: ["renewCode", "freezeCode", "unfreezeCode", "revokeCode"],
  online: ["newInstance", "refreshInstance", "updateInstanceStatus", "releaseInstance", "upgradeInstance", "issueLicense"],
  v1: ["issueLicense", "renewLicense", "expireLicense", "revokeLicense"],
};

/** @throws SetupError naming the file, the path and the fix */
export function loadLicenseProduct(def: LicenseDefinition, base: ProductBase, _ctx: LoadContext): LicenseProduct {
  // the relay serves KooGallery's authorization codes (docs/marketplace/license.md §2.3); the other variants have none
  if (def.variant !== "code" && def.relay?.enabled) throw new SetupError("the licence relay serves authorization codes: only a variant code listing enables it", base.file, "/relay/enabled");
  const relay: RelaySettings = { ...DEFAULT_RELAY, enabled: def.variant === "code", ...def.relay };
  // a code unlocks the listing it was bought for, not every listing of the seller (issue 24, finding 1)
  if (relay.enabled && relay.productIds.length === 0) {
    throw new SetupError(
      "the licence relay unlocks only codes bought for this listing: name its KooGallery product ids in relay.productIds (Seller Console › product details), or turn the relay off with relay.enabled: false",
      base.file,
      "/relay/productIds",
    );
  }
  const orderNotify = loadOrderNotify(def);
  if (def.variant === "v1" && orderNotify.enabled) throw new SetupError("order notification is a 2.0 POST call; a variant v1 listing (GET) cannot receive it", base.file, "/orderNotify");
  // A code listing's purchases make no instance here (KooGallery makes the codes): every notified order
  // would look unprovisioned to the reconciliation and the delisting-risk alarm (docs/marketplace/license.md §0)
  if (def.variant === "code" && orderNotify.enabled) {
    throw new SetupError("order notification is checked against the instances koogate provisions, and a variant code listing has none (KooGallery makes the codes); enable it on an online listing", base.file, "/orderNotify");
  }
  const metering = loadMetering(def);
  // usage is answered by queryInstance and pushed for the instances of an online listing; the other
  // variants have no instance the marketplace queries (codes report usage through the relay)
  if (def.variant !== "online" && metering.enabled) throw new SetupError("metering needs instances the marketplace queries: only a variant online listing enables it", base.file, "/metering");
  return {
    ...base,
    kind: "license",
    variant: def.variant,
    protocol: def.variant === "v1" ? "v1" : "v2",
    provisioning: { ...DEFAULT_PROVISIONING, ...def.provisioning },
    relay,
    orderNotify,
    metering,
  };
}

/**
 * What a License listing's features need (Kind.requires): the relay activates and queries codes and
 * reports their usage (docs/marketplace/license.md §2.3), the online variant uploads each issued licence
 * to its event (§3.7); both call the open APIs with the seller's access keys.
 */
export function licenseRequirements(p: LicenseProduct, settings: FeatureSettings): SetupError[] {
  if (settings.marketplaceKeys) return [];
  if (p.relay.enabled) {
    return [new SetupError(`the licence relay activates and checks authorization codes with the marketplace, signed with the seller's access keys: ${ACCESS_KEYS_FIX}, or set relay.enabled: false`, p.file, "/relay/enabled")];
  }
  if (p.variant === "online") {
    return [new SetupError(`an online License listing uploads every issued licence to the marketplace, signed with the seller's access keys: ${ACCESS_KEYS_FIX}`, p.file, "/variant")];
  }
  return [];
}
