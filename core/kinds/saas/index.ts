/**
 * The SaaS kind (docs/marketplace/saas.md): the 2.0 production interface (POST), the legacy 1.0 one (GET), and the
 * joint-operation sync calls, all served at `/produce/<id>`, with their adapter work run through the
 * outbox when it outlives the deadline.
 */
import type { DependencyContainer } from "tsyringe";
import { jsonError } from "../../serving/http.js";
import { OrderNotifyInterface } from "../../orders/notify.js";
import { routeOrderNotify } from "../../orders/route.js";
import { CallPipeline } from "../../serving/pipeline.js";
import { isJointSync, SAAS_VOCABULARY } from "./vocabulary.js";
import { defineKind, type Endpoint } from "../kind.js";
import type { SaasAdapter } from "./adapter.js";
import { migrationsIn } from "../../store/migrate.js";
import { loadSaasProduct, saasKeyTypes, type SaasDefinition, type SaasProduct } from "./product.js";
import { SAAS_SCHEMA } from "./schema.js";
import { SaasV2Interface } from "./service.js";
import { JointSyncInterface } from "./sync/service.js";
import { SaasV1Interface } from "./v1/service.js";
import { InstanceWork } from "../../instances/work.js";
import { SAAS_OPS } from "./ops.js";
import { SAAS_SCENARIOS } from "./scenarios/index.js";

type SaasEndpoint = Endpoint<SaasProduct, SaasAdapter>;

function endpoints(container: DependencyContainer): SaasEndpoint[] {
  const pipeline = container.resolve(CallPipeline);
  const v2 = container.resolve(SaasV2Interface);
  const v1 = container.resolve(SaasV1Interface);
  const sync = container.resolve(JointSyncInterface);
  const orderNotify = container.resolve(OrderNotifyInterface);
  return [
    {
      method: "POST",
      path: "/produce/:id",
      accepts: (p) => p.protocol === "v2",
      serve: async (s, call) => {
        if (!s.product.orderNotify.enabled) return pipeline.serve(s, v2, call);
        // order notifications share the production URL, signed with the general key (core/orders/route.ts)
        const routed = await routeOrderNotify(call);
        return routed.orderNotify ? pipeline.serve(s, orderNotify, routed.call) : pipeline.serve(s, v2, routed.call);
      },
    },
    // ctx.querystring is the raw query, still URL-encoded: the authToken is checked over it (docs/marketplace/saas.md §2.3).
    { method: "GET", path: "/produce/:id", accepts: (p) => p.protocol === "v1", serve: (s, call) => pipeline.serve(s, v1, call) },
    // KooGallery appends the fixed sub-path to the registered production URL (docs/marketplace/saas.md §5).
    {
      method: "POST",
      path: "/produce/:id/produceAPI/v2/:sync",
      accepts: (p) => p.jointOperation.enabled,
      serve: async (s, call) => (isJointSync(call.params.sync) ? pipeline.serve(s, sync, call) : jsonError(404, "unknown sync")),
    },
  ];
}

export const saasKind = defineKind<SaasProduct, SaasAdapter>({
  name: "saas",
  summary: "a SaaS listing: instances created, renewed, frozen and released by the marketplace (2.0 POST or legacy 1.0 GET)",
  vocabulary: SAAS_VOCABULARY,
  schema: SAAS_SCHEMA,
  keyTypes: (def) => saasKeyTypes(def as SaasDefinition),
  load: (def, base, ctx) => loadSaasProduct(def as SaasDefinition, base, ctx),
  adapterMethods: ["newInstance", "refreshInstance", "updateInstanceStatus", "releaseInstance", "upgradeInstance"],
  orderNotify: true,
  metering: true,
  // every `<UTC yyyymmddhhmmss>_<name>` file of ./migrations/, by name
  migrations: await migrationsIn(new URL("./migrations/", import.meta.url)),
  endpoints,
  jobs: (container) => container.resolve(InstanceWork).handlers(),
  ops: SAAS_OPS,
  scenarios: SAAS_SCENARIOS,
  describe: (p) => ({
    endpoints: [
      // the 1.0 protocol is served by GET on the same path (docs/marketplace/saas.md §9)
      { method: p.protocol === "v1" ? "GET" : "POST", path: `/produce/${p.id}`, what: "production URL" },
      ...(p.jointOperation.enabled ? [{ method: "POST", path: `/produce/${p.id}/produceAPI/v2/<sync>`, what: "sync URL" }] : []),
    ],
    facts: [
      `protocol ${p.protocol}`,
      ...(p.jointOperation.enabled ? ["joint-operation sync on"] : []),
      ...(p.orderNotify.enabled ? ["order notification on"] : []),
      ...(p.metering.enabled ? [`metering per ${p.metering.period}`] : []),
    ],
  }),
});
