/**
 * The scenario registry: every scenario `koogate sim` knows, in the order `--help` lists them.
 * To add one, write sim/scenarios/<name>.ts exporting a Scenario
 * and list it here; the runner and the CLI pick it up.
 */
import type { Scenario } from "../scenario.js";
import { singleActivities } from "./activities.js";
import { agentCall, apiCall } from "./gateway-calls.js";
import { licenseCodeLifecycle } from "./license-code-lifecycle.js";
import { licenseOnlineLifecycle } from "./license-online-lifecycle.js";
import { licenseRelay } from "./license-relay.js";
import { licenseV1Lifecycle } from "./license-v1-lifecycle.js";
import { lifecycle } from "./lifecycle.js";
import { metering } from "./metering.js";
import { licenseOrderNotify, orderNotify } from "./order-notify.js";
import { replay } from "./replay.js";
import { retryStorm } from "./retry-storm.js";
import { stale } from "./stale.js";
import { tamper } from "./tamper.js";
import { tenantSync } from "./tenant-sync.js";
import { trial } from "./trial.js";
import { unsubscribeRenewal } from "./unsubscribe-renewal.js";
import { v1Lifecycle } from "./v1-lifecycle.js";
import { callsMadeOnce, licenseCallsMadeOnce } from "./calls-made-once.js";
import { expireRenewExpire, licenseExpireRenewExpire } from "./expire-renew-expire.js";
import { licenseQuantities, quantities } from "./quantities.js";
import { licenseUsageNow, usageNow } from "./usage-now.js";

export const SCENARIOS: readonly Scenario[] = [
  lifecycle,
  trial,
  unsubscribeRenewal,
  retryStorm,
  replay,
  stale,
  tamper,
  tenantSync,
  v1Lifecycle,
  orderNotify,
  metering,
  apiCall,
  agentCall,
  licenseCodeLifecycle,
  licenseOnlineLifecycle,
  licenseV1Lifecycle,
  licenseRelay,
  // the marketplace's delivery semantics (docs/marketplace/lifecycle.md)
  expireRenewExpire,
  callsMadeOnce,
  usageNow,
  quantities,
  licenseExpireRenewExpire,
  licenseCallsMadeOnce,
  licenseUsageNow,
  licenseQuantities,
  licenseOrderNotify,
  ...singleActivities,
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
