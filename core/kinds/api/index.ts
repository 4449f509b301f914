/**
 * The API kind (docs/marketplace/api-image-openapi.md §6): a listing sold through Huawei's API gateway
 * (APIG) or KooGallery's Agents gateway. The gateway authenticates and bills the buyer and forwards
 * each call to `/api/<id>/…`; koogate checks the call really came through the gateway, then answers it
 * with an adapter or forwards it to the merchant's existing service.
 */
import type { DependencyContainer } from "tsyringe";
import { Kernel } from "../../kernel.js";
import { defineKind } from "../kind.js";
import type { ApiAdapter } from "./adapter.js";
import { migrationsIn } from "../../store/migrate.js";
import { loadApiProduct, type ApiDefinition, type ApiProduct } from "./product.js";
import { API_SCHEMA } from "./schema.js";
import { ApiService } from "./service.js";
import { API_COMMANDS } from "./cli.js";
import { API_VOCABULARY } from "./vocabulary.js";
import { API_OPS } from "./ops.js";
import { API_SCENARIOS } from "./scenarios/index.js";

/** One service per server (container): its call log, upstream connections and limits. */
const services = new WeakMap<DependencyContainer, ApiService>();

function serviceOf(container: DependencyContainer): ApiService {
  let s = services.get(container);
  if (!s) services.set(container, (s = container.resolve(ApiService)));
  return s;
}

export const apiKind = defineKind<ApiProduct, ApiAdapter | undefined>({
  name: "api",
  summary: "an API listing: the gateway's calls (APIG signature, Agents JWT or a constant header) verified, then answered by an adapter or an upstream service",
  vocabulary: API_VOCABULARY,
  commands: API_COMMANDS,
  schema: API_SCHEMA,
  keyTypes: () => [],
  load: (def, base, ctx) => loadApiProduct(def as ApiDefinition, base, ctx),
  adapterMethods: ["handle"],
  adapterOptional: true,
  // every `<UTC yyyymmddhhmmss>_<name>` file of ./migrations/, by name
  migrations: await migrationsIn(new URL("./migrations/", import.meta.url)),
  endpoints: (container) => {
    const service = serviceOf(container);
    const kernel = container.resolve(Kernel);
    service.startPurging(() => kernel.products().filter((p): p is ApiProduct => p.kind === "api"));
    // `{/*rest}`: the listing's root and any sub-path (@koa/router 15, path-to-regexp 8 syntax)
    return [{ method: "ALL", path: "/api/:id{/*rest}", serve: (s, call) => service.serve(s, call) }];
  },
  stop: async (container) => {
    await services.get(container)?.stop();
    services.delete(container);
  },
  ops: API_OPS,
  scenarios: API_SCENARIOS,
  describe: (p) => ({
    endpoints: [{ method: "ANY", path: `/api/${p.id}/…`, what: "backend URL" }],
    facts: [
      `auth ${p.auth}${p.header ? ` (${p.header})` : ""}`,
      p.upstream ? `upstream ${p.upstream.origin}${p.upstream.pathname}` : "answered by adapter",
      ...(p.billing === "tokens" ? ["billed by tokens: usage checked"] : []),
      ...(p.rateLimit ? [`limit ${p.rateLimit.requests} per ${p.rateLimit.perSeconds} s per buyer`] : []),
      ...(p.gatewayKeys.length > 1 ? [`${p.gatewayKeys.length} gateway keys active`] : []),
    ],
  }),
});
