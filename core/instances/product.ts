/**
 * What a listing whose buyers hold instances must say for the shared instance activities
 * (./activities.ts) and their outbox work (./work.ts) to serve it. A SaaS listing and an online License
 * listing each satisfy it with their own product type: neither is served as the other.
 */
import type { MeteringSettings } from "../metering/definition.js";
import type { ProvisioningSettings } from "../outbox/provisioning.js";
import type { ProductBase } from "../products/definition.js";
import type { Served } from "../kinds/kind.js";
import type { LifecycleProtocol } from "../lifecycle/table.js";
import type { EncryptType } from "../vocabulary.js";
import type { InstanceAdapter } from "./adapter.js";

export interface InstanceProduct extends ProductBase {
  /** whose lifecycle rules apply (core/lifecycle/table.ts): 2.0 or 1.0 */
  protocol: LifecycleProtocol;
  /** how adapter work that outlives the deadline is run */
  provisioning: ProvisioningSettings;
  /** pay-per-use metering: queryInstance answers the usage of a metered listing's instances */
  metering: MeteringSettings;
  /**
   * how queryInstance sends the sign-in credentials the adapter gave (AppInfo userName/password,
   * docs/marketplace/saas.md §4.2, §7); absent (a listing whose instances have no sign-in): plain
   */
  credentials?: "plain" | "encrypted";
  /** the AES variant of encrypted credentials; absent: 1 (AES-256) */
  encryptType?: EncryptType;
}

/** A listing served through the instance activities, with its adapter. */
export type ServedInstances<P extends InstanceProduct = InstanceProduct, A extends InstanceAdapter = InstanceAdapter> = Served<P, A>;
