/**
 * The one Koa application serving every listing:
 *
 *   POST /produce/<id>   the production-system interface of product <id> (register this URL)
 *   GET  /produce/<id>?activity=…   the same, for a protocol v1 (legacy GET) listing (saas.md §9)
 *   POST /produce/<id>/produceAPI/v2/<sync>   joint-operation sync calls (saas.md §5), when enabled
 *   GET  /healthz        liveness, for load balancers
 *
 * Every answer to a known product is HTTP 200 JSON with a `Body-Sign` header over the exact bytes sent
 * (saas.md §1, §3). An unknown product is a 404 with a short JSON error. No stack trace ever leaves.
 */
import Router from "@koa/router";
import Koa from "koa";
import type { Kernel } from "../core/kernel.js";
import type { SaasService } from "../core/kinds/saas/service.js";
import type { JointSyncService } from "../core/kinds/saas/sync/service.js";
import type { SaasV1Service } from "../core/kinds/saas/v1/service.js";
import type { Logger } from "../core/logger.js";
import { BODY_SIGN_HEADER, signBody } from "../core/signing/body-sign.js";
import { isJointSync } from "../core/vocabulary.js";
import { RESULT_MESSAGES } from "../core/vocabulary.js";
import { readRawBody } from "./raw-body.js";

/**
 * Every call is answered within this, whatever is stuck below (a database that cannot be heard, an
 * adapter that never returns): KooGallery gives a call 5 s and resends a failed one (saas.md §1, §4.1).
 * The late work still finishes and stores its outcome, so a resend finds it.
 */
export const ANSWER_DEADLINE_MS = 4500;
const DEADLINE_ANSWER = JSON.stringify({ resultCode: "000005", resultMsg: RESULT_MESSAGES["000005"] });

export interface AppDeps {
  kernel: Kernel;
  saas: SaasService;
  sync: JointSyncService;
  v1: SaasV1Service;
  logger: Logger;
  /** largest request body read; larger ones are refused with 000002 */
  maxBodyBytes: number;
}

export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  app.proxy = true;
  const router = new Router();

  router.post("/produce/:id", async (ctx) => {
    const sp = deps.kernel.product(ctx.params.id!);
    if (!sp) return notFound(ctx, "unknown product");
    if (sp.product.protocol !== "v2") return wrongMethod(ctx, "GET");
    const raw = await readRawBody(ctx.req, deps.maxBodyBytes);
    // URLSearchParams on the raw query string: Koa's ctx.query parser costs a quarter of a request.
    const handled = deps.saas.handle(sp, {
      rawBody: raw.bytes,
      query: new URLSearchParams(ctx.querystring),
      oversize: raw.oversize,
    });
    const body = await withinDeadline(handled, ANSWER_DEADLINE_MS, () => {
      deps.logger.error("call not finished within the deadline: answered 000005, its work goes on", { product: sp.product.id });
      return DEADLINE_ANSWER;
    });
    sendSigned(ctx, body, sp.product.keys.basic[0]!);
  });

  router.get("/produce/:id", async (ctx) => {
    const sp = deps.kernel.product(ctx.params.id!);
    if (!sp) return notFound(ctx, "unknown product");
    if (sp.product.protocol !== "v1") return wrongMethod(ctx, "POST");
    // ctx.querystring is the raw query, still URL-encoded: the authToken is checked over it (saas.md §2.3).
    const { body, keyIndex } = await deps.v1.handle(sp, ctx.querystring);
    sendSigned(ctx, body, sp.product.keys.basic[keyIndex] ?? sp.product.keys.basic[0]!);
  });

  // KooGallery appends the fixed sub-path to the registered production URL (saas.md §5).
  router.post("/produce/:id/produceAPI/v2/:sync", async (ctx) => {
    const sp = deps.kernel.product(ctx.params.id!);
    const sync = ctx.params.sync;
    if (!sp || !sp.product.jointOperation.enabled) return notFound(ctx, "unknown product or joint-operation sync not enabled");
    if (!isJointSync(sync)) return notFound(ctx, "unknown sync");
    const raw = await readRawBody(ctx.req, deps.maxBodyBytes);
    const body = await deps.sync.handle(sp, {
      sync,
      rawBody: raw.bytes,
      header: (name) => ctx.get(name) || undefined,
      oversize: raw.oversize,
    });
    // Signed with the kit key, the secret of this interface: which key KooGallery checks a joint-op
    // Body-Sign with (if it checks one in 2.0 at all) is UNCONFIRMED (saas.md §3, §11.9).
    sendSigned(ctx, body, sp.product.keys.kit[0]!);
  });

  router.get("/healthz", (ctx) => {
    ctx.body = { status: "ok" };
  });

  // Errors: anything thrown below is logged once and answered without detail.
  app.use(async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) notFound(ctx, "not found");
      else if (ctx.status === 405 && (ctx.body === undefined || typeof ctx.body === "string")) {
        ctx.status = 405;
        ctx.body = { error: "method not allowed" };
      }
    } catch (err) {
      deps.logger.error("unhandled error", { path: ctx.path, error: err instanceof Error ? err.message : String(err) });
      ctx.status = 500;
      ctx.body = { error: "internal error" };
    }
  });
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.on("error", (err: Error) => deps.logger.error("server error", { error: err.message }));
  app.silent = true;
  return app;
}

/** A listing called with the other protocol's method: 2.0 is POST, 1.0 is GET. */
function wrongMethod(ctx: Koa.Context, allowed: "GET" | "POST") {
  ctx.status = 405;
  ctx.set("Allow", allowed);
  ctx.body = { error: `method not allowed: this listing's protocol uses ${allowed}` };
}

function notFound(ctx: Koa.Context, error: string) {
  ctx.status = 404;
  ctx.body = { error };
}

/** `work`'s result, or `late()` when `work` has not settled within `ms`. */
async function withinDeadline<T>(work: Promise<T>, ms: number, late: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(late()), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Writes `body` exactly as signed: a Buffer, so no layer re-serialises it. */
function sendSigned(ctx: Koa.Context, body: string, key: string) {
  const bytes = Buffer.from(body, "utf8");
  ctx.status = 200;
  ctx.set(BODY_SIGN_HEADER, signBody(key, bytes));
  ctx.type = "application/json; charset=utf-8";
  ctx.body = bytes;
}
