/**
 * The repository's demo adapter classes: the ones its koogate.config.json names, for tests that start
 * a server in-process with the demo listings.
 */
import { DemoAgentAdapter } from "../../adapters/demo-agent.js";
import { DemoLicenseAdapter } from "../../adapters/demo-license.js";
import { DemoSaasAdapter } from "../../adapters/demo-saas.js";
import { DemoTextStatsAdapter } from "../../adapters/demo-text-stats.js";
import type { AdapterClass } from "../../core/adapters.js";

export const DEMO_ADAPTERS: readonly AdapterClass[] = [DemoSaasAdapter, DemoLicenseAdapter, DemoTextStatsAdapter, DemoAgentAdapter];
