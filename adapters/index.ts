/**
 * Every adapter class a product definition may name (its `adapter:` field is the class name).
 * Add your own class here; server/composition.ts registers each with the container.
 */
import type { AdapterClass } from "../core/adapters.js";
import { DemoLicenseAdapter } from "./demo-license.js";
import { DemoSaasAdapter } from "./demo-saas.js";

export const adapters: readonly AdapterClass[] = [DemoSaasAdapter, DemoLicenseAdapter];
