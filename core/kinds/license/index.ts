/**
 * The License kind (docs/marketplace/license.md): a listing chooses its variant — KooGallery's authorization codes
 * (`code`, §2), online activation (`online`, §3) or the legacy 1.0 licence (`v1`, §4) — and is served
 * at `/produce/<id>` like every listing; a `code` listing also serves the licence relay for the
 * merchant's software at `/licenses/<id>/activate|check|usage`.
 */
import type { DependencyContainer } from "tsyringe";
import { InstanceWork } from "../../instances/work.js";
import { CallPipeline } from "../../serving/pipeline.js";
import { OrderNotifyInterface } from "../../orders/notify.js";
import { routeOrderNotify } from "../../orders/route.js";
import type { JobHandler } from "../../outbox/handlers.js";
import { defineKind, type Endpoint } from "../kind.js";
import type { LicenseAdapter, LicenseCodeAdapter, OnlineLicenseAdapter, V1LicenseAdapter } from "./adapter.js";
import { LicenseCodeInterface } from "./code/service.js";
import { CODE_CALLS } from "./code/work.js";
import { LicenseCalls } from "./calls.js";
import { servedAs } from "./context.js";
import { ISSUE_JOB } from "./online/activities.js";
import { OnlineLicenseInterface } from "./online/service.js";
import { LicenseIssueWork } from "./online/work.js";
import { V1_ISSUE_JOB } from "./v1/activities.js";
import { V1LicenseInterface } from "./v1/service.js";
import { V1_CALLS } from "./v1/work.js";
import { LicenseRelay } from "./relay/service.js";
import { RelayUsage, USAGE_JOB } from "./relay/usage.js";
import { migrationsIn } from "../../store/migrate.js";
import { ADAPTER_METHODS, licenseKeyTypes, licenseRequirements, loadLicenseProduct, type LicenseDefinition, type LicenseProduct } from "./product.js";
import { LICENSE_SCHEMA } from "./schema.js";
import { LICENSE_COMMANDS, licenseLocalMarketplace } from "./cli.js";
import { LICENSE_VOCABULARY } from "./vocabulary.js";
import { LICENSE_OPS } from "./ops.js";
import { LICENSE_SCENARIOS } from "./scenarios/index.js";

type LicenseEndpoint = Endpoint<LicenseProduct, LicenseAdapter>;

function endpoints(container: DependencyContainer): LicenseEndpoint[] {
  const pipeline = container.resolve(CallPipeline);
  const code = container.resolve(LicenseCodeInterface);
  const online = container.resolve(OnlineLicenseInterface);
  const v1 = container.resolve(V1LicenseInterface);
  const relay = container.resolve(LicenseRelay);
  const orderNotify = container.resolve(OrderNotifyInterface);
  return [
    { method: "POST", path: "/licenses/:id/:action", accepts: (p) => p.relay.enabled, serve: (s, call) => relay.serve(s, call) },
    // ctx.querystring is the raw query, still URL-encoded: the authToken is checked over it (docs/marketplace/license.md §4)
    { method: "GET", path: "/produce/:id", accepts: (p) => p.variant === "v1", serve: (s, call) => pipeline.serve(servedAs<V1LicenseAdapter>(s), v1, call) },
    {
      method: "POST",
      path: "/produce/:id",
      accepts: (p) => p.variant === "code" || p.variant === "online",
      serve: async (s, call) => {
        const serve = (c: typeof call) => (s.product.variant === "code" ? pipeline.serve(servedAs<LicenseCodeAdapter>(s), code, c) : pipeline.serve(servedAs<OnlineLicenseAdapter>(s), online, c));
        if (!s.product.orderNotify.enabled) return serve(call);
        // order notifications share the production URL, signed with the general key (core/orders/route.ts)
        const routed = await routeOrderNotify(call);
        return routed.orderNotify ? pipeline.serve(s, orderNotify, routed.call) : serve(routed.call);
      },
    },
  ];
}

/** Every job type of the kind: the code calls, the instance jobs of online listings (core/instances/), licence issue and upload. */
function jobs(container: DependencyContainer): Record<string, JobHandler<LicenseProduct, LicenseAdapter>> {
  return {
    ...container.resolve(LicenseCalls).handlers(CODE_CALLS),
    ...container.resolve(InstanceWork).handlers(),
    ...container.resolve(LicenseCalls).handlers(V1_CALLS),
    ...container.resolve(LicenseIssueWork).handlers(ISSUE_JOB, { upload: true }),
    ...container.resolve(LicenseIssueWork).handlers(V1_ISSUE_JOB, { upload: false }),
    [USAGE_JOB]: container.resolve(RelayUsage).handler(),
  };
}

export const licenseKind = defineKind<LicenseProduct, LicenseAdapter>({
  name: "license",
  summary: "a License listing: authorization codes (code), online activation with per-device licences (online) or the legacy 1.0 licence (v1)",
  vocabulary: LICENSE_VOCABULARY,
  commands: LICENSE_COMMANDS,
  localMarketplace: licenseLocalMarketplace,
  schema: LICENSE_SCHEMA,
  keyTypes: (def) => licenseKeyTypes(def as LicenseDefinition),
  load: (def, base, ctx) => loadLicenseProduct(def as LicenseDefinition, base, ctx),
  adapterMethods: (def) => ADAPTER_METHODS[(def as LicenseDefinition).variant],
  orderNotify: true,
  metering: true,
  requires: licenseRequirements,
  // every `<UTC yyyymmddhhmmss>_<name>` file of ./migrations/, by name
  migrations: await migrationsIn(new URL("./migrations/", import.meta.url)),
  endpoints,
  jobs,
  ops: LICENSE_OPS,
  scenarios: LICENSE_SCENARIOS,
  describe: (p) => ({
    endpoints: [
      { method: p.variant === "v1" ? "GET" : "POST", path: `/produce/${p.id}`, what: "production URL" },
      ...(p.relay.enabled ? [{ method: "POST", path: `/licenses/${p.id}/<activate|check|usage>`, what: "licence relay for the merchant's software" }] : []),
    ],
    facts: [
      `variant ${p.variant}`,
      ...(p.relay.enabled ? ["licence relay on"] : []),
      ...(p.orderNotify.enabled ? ["order notification on"] : []),
      ...(p.metering.enabled ? [`metering per ${p.metering.period}, ${p.metering.billing}`] : []),
    ],
  }),
});

export type { LicenseCodeAdapter };
