/**
 * An online-activation listing seen as a SaaS 2.0 listing: its instance activities are the SaaS ones
 * (docs/marketplace/license.md §3.1–3.4), so they run through the SaaS kind's activities and jobs unchanged. The kind
 * stays `license`, so the outbox finds the License kind's handlers, which hand SaaS jobs back here.
 */
import type { JobHandler } from "../../../outbox/handlers.js";
import type { ServedSaasProduct } from "../../saas/activities.js";
import type { SaasAdapter } from "../../saas/adapter.js";
import type { SaasProduct } from "../../saas/product.js";
import type { OnlineLicenseAdapter } from "../adapter.js";
import type { ServedLicense } from "../context.js";
import type { LicenseProduct } from "../product.js";

export type ServedOnline = ServedLicense<OnlineLicenseAdapter>;

export function saasView(s: ServedOnline): ServedSaasProduct {
  return { product: s.product.saasView, adapter: s.adapter as SaasAdapter, kind: s.kind as never };
}

/** A SaaS job handler that runs an online listing's job through its SaaS view. */
export function throughView(h: JobHandler<SaasProduct, SaasAdapter>): JobHandler<LicenseProduct, OnlineLicenseAdapter> {
  const v = (s: ServedOnline) => saasView(s);
  return {
    policy: (s) => h.policy(v(s)),
    run: (s, job, logger) => h.run(v(s), job, logger),
    succeeded: h.succeeded && ((s, job, result, now, trx) => h.succeeded!(v(s), job, result, now, trx)),
    gaveUp: h.gaveUp && ((s, job, now, trx) => h.gaveUp!(v(s), job, now, trx)),
  };
}
