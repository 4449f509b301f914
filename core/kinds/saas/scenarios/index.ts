/**
 * The SaaS kind's simulator scenarios (`koogate sim <listing> <scenario>`), in the order `--help` lists
 * them: its own, then the shared ones it plays (core/simulation/scenarios/: delivery, order notification, usage).
 */
import type { Scenario } from "../../../simulation/scenario.js";
import { callsMadeOnce } from "../../../simulation/scenarios/calls-made-once.js";
import { playDelivery } from "../../../simulation/scenarios/delivery.js";
import { expireRenewExpire } from "../../../simulation/scenarios/expire-renew-expire.js";
import { orderNotify } from "../../../simulation/scenarios/order-notify.js";
import { quantities } from "../../../simulation/scenarios/quantities.js";
import { usageNow } from "../../../simulation/scenarios/usage-now.js";
import { singleActivities } from "./activities.js";
import { SAAS_DELIVERY } from "./delivery.js";
import { lifecycle } from "./lifecycle.js";
import { metering } from "./metering.js";
import { forSaas } from "./requirements.js";
import { replay } from "./replay.js";
import { retryStorm } from "./retry-storm.js";
import { stale } from "./stale.js";
import { tamper } from "./tamper.js";
import { tenantSync } from "./tenant-sync.js";
import { trial } from "./trial.js";
import { unsubscribeRenewal } from "./unsubscribe-renewal.js";
import { v1Lifecycle } from "./v1-lifecycle.js";

export const SAAS_SCENARIOS: readonly Scenario[] = [
  lifecycle,
  trial,
  unsubscribeRenewal,
  retryStorm,
  replay,
  stale,
  tamper,
  tenantSync,
  v1Lifecycle,
  { ...orderNotify, ...forSaas("v2", "orderNotify") },
  metering,
  // the marketplace's delivery semantics (docs/marketplace/lifecycle.md)
  playDelivery(SAAS_DELIVERY, expireRenewExpire),
  playDelivery(SAAS_DELIVERY, callsMadeOnce),
  { ...usageNow, ...forSaas("v2", "metering") },
  // 2.0 purchases carry no quantities (the order does): played on 1.0 listings only
  { ...playDelivery(SAAS_DELIVERY, quantities), ...forSaas("v1"), fits: (p) => ((p as { protocol?: string }).protocol === "v1" ? null : `is for protocol v1 products; ${p.id} speaks v2 (2.0 purchases carry no quantities: read the order)`) },
  ...singleActivities,
];
