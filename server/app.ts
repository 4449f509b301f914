/**
 * The one Koa application serving every listing. Its routes are the endpoints of the registered kinds
 * (core/kinds/): each distinct method and path is registered once, and a call is handed to the
 * endpoint of the product's own kind. Besides them:
 *
 *   GET /healthz, /readyz, /metrics, /ops…   operations (server/ops/routes.ts)
 *
 * An unknown product is a 404, a known product called with a method its endpoints do not serve a 405
 * with `Allow`, both as short JSON. A method no route serves (TRACE, PROPFIND, OPTIONS, …) is a 405
 * JSON on every path, never Koa's plain-text 501. No stack trace ever leaves.
 *
 * The kinds' calls that plainly match their route are served below Koa's middleware stack, answered
 * byte for byte as through it (./api-fast-path.ts, ./plain-routes.ts); everything else goes through Koa.
 */
import { METHODS, type IncomingMessage, type ServerResponse } from "node:http";
import Router from "@koa/router";
import Koa from "koa";
import type { Endpoint } from "../core/kinds/kind.js";
import type { Kernel } from "../core/kernel.js";
import type { Logger } from "../core/logger.js";
import { clientAddress, NO_TRUSTED_PROXIES, type TrustedProxies } from "../core/serving/client-address.js";
import type { HttpAnswer, HttpCall } from "../core/serving/http.js";
import { readRawBody } from "../core/serving/raw-body.js";
import { registerOpsRoutes, type OpsRouteDeps } from "./ops/routes.js";
import { API_ROUTE, apiFastPath, type CallDeps } from "./api-fast-path.js";
import { plainRoutesPath } from "./plain-routes.js";

export interface AppDeps {
  kernel: Kernel;
  /** every kind's endpoints, by kind name */
  endpoints: ReadonlyMap<string, readonly Endpoint[]>;
  logger: Logger;
  /** largest request body read; larger ones are refused with 000002 */
  maxBodyBytes: number;
  /** how long a body may take to arrive; a slower one is cut off and its connection closed */
  bodyTimeoutMs: number;
  /** health, metrics and the operator page; without them only a bare /healthz is served */
  ops?: OpsRouteDeps;
  /** the proxies whose X-Forwarded-For is believed (`KOOGATE_TRUSTED_PROXIES`); default none */
  trustedProxies?: TrustedProxies;
}

/**
 * Koa, except that the calls of API listings (`/api/<id>/…`, ./api-fast-path.ts) and of the kinds'
 * other endpoints (./plain-routes.ts) are served below its middleware stack: they are the hot paths
 * (issue 21), and Koa's context, router and response pipeline cost more per call than the proxying, or
 * a cached relay check, itself. Every other request (the operations routes), and every call a fast path
 * does not recognise as plainly its own, goes through Koa as before.
 */
class KoogateApp extends Koa {
  fastPaths: Array<(req: IncomingMessage, res: ServerResponse) => boolean> = [];

  override callback(): ReturnType<Koa["callback"]> {
    const koa = super.callback();
    const fast = this.fastPaths;
    if (fast.length === 0) return koa;
    // the server is node:http (./http-server.ts), never HTTP/2
    return (req, res) => (fast.some((f) => f(req as IncomingMessage, res as ServerResponse)) ? Promise.resolve() : koa(req, res));
  }
}

export function createApp(deps: AppDeps): Koa {
  const app = new KoogateApp();
  // Koa's proxy mode believes X-Forwarded-For from any peer: a caller could pick the address it is
  // rate-limited under. The client address comes from core/serving/client-address.ts instead.
  app.proxy = false;
  const router = new Router();

  // path → method → kind → endpoint
  const routes = new Map<string, Map<string, Map<string, Endpoint>>>();
  for (const [kind, list] of deps.endpoints) {
    for (const e of list) {
      const methods = routes.get(e.path) ?? new Map<string, Map<string, Endpoint>>();
      routes.set(e.path, methods);
      const byKind = methods.get(e.method) ?? new Map<string, Endpoint>();
      methods.set(e.method, byKind);
      byKind.set(kind, e);
    }
  }
  for (const [path, methods] of routes) {
    for (const [method, byKind] of methods) {
      router.register(path, method === "ALL" ? METHODS : [method], async (ctx) => {
        const served = deps.kernel.product(ctx.params.id!);
        if (!served) return answer(ctx, { status: 404, body: JSON.stringify({ error: "unknown product" }) });
        const endpoint = byKind.get(served.kind.name);
        if (!endpoint || !(endpoint.accepts?.(served.product) ?? true)) {
          const allowed = [...methods].filter(([, k]) => k.get(served.kind.name)?.accepts?.(served.product) ?? k.has(served.kind.name)).map(([m]) => m);
          if (allowed.length === 0) return answer(ctx, { status: 404, body: JSON.stringify({ error: "not served for this product" }) });
          return answer(ctx, { status: 405, headers: { Allow: allowed.join(", ") }, body: JSON.stringify({ error: `method not allowed: this listing is served with ${allowed.join(", ")}` }) });
        }
        answer(ctx, await endpoint.serve(served, httpCall(ctx.req, ctx.path, ctx.querystring, ctx.params as Record<string, string>, deps)));
      });
    }
  }
  const api = routes.get(API_ROUTE)?.get("ALL");
  if (api) app.fastPaths.push(apiFastPath(api, deps, httpCall));
  app.fastPaths.push(plainRoutesPath(routes, deps, httpCall));

  if (deps.ops) registerOpsRoutes(router, deps.ops);
  else router.get("/healthz", (ctx) => void (ctx.body = { status: "ok" }));
  // HEAD is answered like GET (Koa); every other method is one a route serves, or refused below
  const served = [...new Set(["GET", "HEAD", ...[...routes.values()].flatMap((m) => [...m.keys()].filter((k) => k !== "ALL"))])];

  // Errors: anything thrown below is logged once and answered without detail.
  app.use(async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) answer(ctx, { status: 404, body: JSON.stringify({ error: "not found" }) });
      else if (ctx.status === 405 && (ctx.body === undefined || typeof ctx.body === "string")) {
        answer(ctx, { status: 405, body: JSON.stringify({ error: "method not allowed" }) });
      }
    } catch (err) {
      deps.logger.error("unhandled error", { path: ctx.path, error: err instanceof Error ? err.message : String(err) });
      answer(ctx, { status: 500, body: JSON.stringify({ error: "internal error" }) });
    }
  });
  app.use(async (ctx, next) => {
    // a route that takes any method (an API listing's backend path) decides for itself
    if (served.includes(ctx.method) || router.match(ctx.path, ctx.method).route) return next();
    answer(ctx, { status: 405, headers: { Allow: served.join(", ") }, body: JSON.stringify({ error: "method not allowed" }) });
  });
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.on("error", (err: Error) => deps.logger.error("server error", { error: err.message }));
  app.silent = true;
  return app;
}

/** The request as a kind's endpoint sees it (`path` and `rawQuery` as Koa splits the URL). */
function httpCall(req: IncomingMessage, path: string, rawQuery: string, params: Record<string, string>, deps: CallDeps): HttpCall {
  const peer = req.socket.remoteAddress ?? "";
  return {
    method: req.method ?? "GET",
    path,
    params,
    // the raw query, still URL-encoded: signatures are checked over it
    rawQuery,
    clientAddress: clientAddress(peer, header(req, "x-forwarded-for"), deps.trustedProxies ?? NO_TRUSTED_PROXIES),
    header: (name) => header(req, name),
    headers: req.headers,
    body: (limit = deps.maxBodyBytes) => readRawBody(req, limit, deps.bodyTimeoutMs),
    bodyStream: () => req,
    remoteAddress: peer,
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(", ") : v;
}

/** Writes an answer exactly as given: a Buffer, so no layer re-serialises it. */
function answer(ctx: Koa.Context, a: HttpAnswer): void {
  ctx.status = a.status;
  let typed = false;
  for (const [k, v] of Object.entries(a.headers ?? {})) {
    ctx.set(k, v);
    typed ||= k.toLowerCase() === "content-type";
  }
  // a Content-Type among the headers is kept byte for byte (Koa's `type` setter would add a charset)
  if (a.type !== undefined || !typed) ctx.type = a.type ?? "application/json; charset=utf-8";
  ctx.body = typeof a.body === "string" ? Buffer.from(a.body, "utf8") : a.body;
}
