/**
 * The local marketplace's Koa application: KooGallery's open APIs behind an API gateway that checks the
 * AK/SK signature with `verifyApigRequest`, the usage push with its own signature, injected faults, and
 * `/_local/*` routes for scenarios and tests.
 */
import Router from "@koa/router";
import Koa from "koa";
import { verifyApigRequest } from "../../core/signing/apig.js";
import { SignatureError } from "../../core/signing/signature-error.js";
import { readRawBody } from "../../core/serving/raw-body.js";
import { activateV1, activateV2, queryV1, softwareUsageV2, type Answer } from "./license-api.js";
import { queryOrder, upload, usagePush } from "./open-api.js";
import type { LocalOrder } from "./orders.js";
import { FAULTS, type Fault, type LocalMarketplaceState, type ReceivedCall } from "./state.js";

export interface LocalAppOptions {
  state: LocalMarketplaceState;
  ak: string;
  sk: string;
  /** the marketplace's clock, in ms */
  now: () => number;
  /** how long a "timeout" fault holds the answer back */
  hangMs: number;
  /** resolves when the marketplace closes: a held answer is released then */
  closed: Promise<void>;
}

const PREFIX = "/api/mkp-openapi-public/global";
/** The gateway's limit for a signed body (docs/marketplace/api-image-openapi.md §2). */
const MAX_BODY_BYTES = 12 * 1024 * 1024;

/**
 * UNCONFIRMED numbers (docs/marketplace/api-image-openapi.md §9, §11.6): APIGW.0303 for app-authentication failures,
 * APIGW.0308 for throttling, APIGW.0101 for an unknown API; the messages are the documented ones.
 */
const gateway = (status: number, code: string, msg: string): Answer => ({ status, body: { error_code: code, error_msg: msg, request_id: "local" } });

export function createLocalMarketplaceApp(o: LocalAppOptions): Koa {
  const app = new Koa();
  const router = new Router();
  const { state } = o;
  const reply = (ctx: Koa.Context, a: Answer) => {
    ctx.status = a.status;
    ctx.body = a.body;
  };

  // The gateway: every open API but the usage push (signed with the merchant key) needs AK/SK.
  app.use(async (ctx, next) => {
    if (!ctx.path.startsWith("/api/")) return next();
    const fault = state.takeFault();
    const call: ReceivedCall = { method: ctx.method, path: ctx.path, query: ctx.querystring, ...(fault ? { fault } : {}) };
    state.calls.push(call);
    ctx.state.call = call;
    if (fault) return injectFault(ctx, fault, o);
    const raw = await readRawBody(ctx.req, MAX_BODY_BYTES);
    if (raw.oversize) return reply(ctx, gateway(413, "APIGW.0201", "Request entity too large"));
    ctx.state.raw = raw.bytes;
    if (ctx.path === `${PREFIX}/v1/isv/usage-data`) return next();
    try {
      verifyApigRequest({
        method: ctx.method,
        path: ctx.path,
        rawQuery: ctx.querystring,
        headers: ctx.headers,
        body: raw.bytes,
        keys: new Map([[o.ak, o.sk]]),
        nowMs: o.now(),
      });
    } catch (e) {
      if (!(e instanceof SignatureError)) throw e;
      call.signature = "invalid";
      const skew = e.reason === "stale" || e.reason === "future";
      return reply(ctx, gateway(401, "APIGW.0303", `Incorrect app authentication information: ${skew ? "the signing time is out of range" : "verify signature fail"}`));
    }
    call.signature = "valid";
    return next();
  });

  router.get(`${PREFIX}/v1/order/query`, (ctx) => reply(ctx, queryOrder(state, new URLSearchParams(ctx.querystring))));
  const json = (handler: (body: Record<string, unknown>) => Answer) => (ctx: Koa.Context) => {
    if (!/^application\/json/i.test(ctx.get("content-type"))) return reply(ctx, { status: 415, body: { error_code: "95000003", error_msg: "Content type not supported" } });
    let body: unknown;
    try {
      body = JSON.parse((ctx.state.raw as Buffer).toString("utf8"));
    } catch {
      body = undefined;
    }
    if (body === null || typeof body !== "object" || Array.isArray(body)) return reply(ctx, { status: 400, body: { error_code: "95000004", error_msg: "req message is not readable" } });
    reply(ctx, handler(body as Record<string, unknown>));
  };
  const now = () => new Date(o.now());
  router.post(`${PREFIX}/v1/license/activate`, json((b) => activateV1(state, b, now())));
  router.post(`${PREFIX}/v2/license/activate`, json((b) => activateV2(state, b, now())));
  router.post(`${PREFIX}/v1/license/heartbeat`, json((b) => queryV1(state, b)));
  router.post(`${PREFIX}/v2/license/software-usage-info`, json((b) => softwareUsageV2(state, b)));
  router.post(`${PREFIX}/v1/market-event/:eventId/file`, (ctx) => reply(ctx, upload(state, ctx.params.eventId!, ctx.get("content-type"), ctx.state.raw as Buffer)));
  router.post(`${PREFIX}/v1/isv/usage-data`, (ctx) => reply(ctx, usagePush(state, ctx.headers, ctx.state.raw as Buffer, o.now(), ctx.state.call as ReceivedCall)));

  router.post("/_local/orders", async (ctx) => {
    const order = JSON.parse((await readRawBody(ctx.req, MAX_BODY_BYTES)).bytes.toString("utf8")) as LocalOrder;
    if (typeof order?.orderId !== "string") return reply(ctx, { status: 400, body: { error: "orderId is mandatory" } });
    reply(ctx, { status: 201, body: state.addOrder(order) });
  });
  router.post("/_local/licenses", async (ctx) => {
    const raw = (await readRawBody(ctx.req, MAX_BODY_BYTES)).bytes.toString("utf8");
    reply(ctx, { status: 201, body: { ...state.issueLicense(raw ? (JSON.parse(raw) as Parameters<typeof state.issueLicense>[0]) : {}) } });
  });
  router.post("/_local/faults", async (ctx) => {
    const f = JSON.parse((await readRawBody(ctx.req, 1024)).bytes.toString("utf8")) as { fault?: Fault; count?: number };
    if (!FAULTS.includes(f.fault as Fault) || !Number.isInteger(f.count)) return reply(ctx, { status: 400, body: { error: `fault one of ${FAULTS.join(", ")}, count a whole number` } });
    state.failNext(f.count!, f.fault!);
    reply(ctx, { status: 204, body: {} });
  });
  // the ids whose basic keys verify usage pushes, never the keys: a scenario checks its product is among them
  router.get("/_local/usage", (ctx) => reply(ctx, { status: 200, body: { records: state.usage, keyIds: [...state.usageKeys.keys()] } }));
  // every open-API call received, oldest first: a scenario checks what koogate called, and whether it verified
  router.get("/_local/calls", (ctx) => reply(ctx, { status: 200, body: { calls: state.calls } }));
  router.get("/_local/uploads", (ctx) => {
    const uploads = state.uploads.map((u) => ({ ...u, file: u.file?.toString("base64") }));
    reply(ctx, { status: 200, body: { uploads } });
  });

  app.use(router.routes());
  app.use(async (ctx) => {
    if (ctx.path.startsWith("/api/")) reply(ctx, gateway(404, "APIGW.0101", "The API does not exist or has not been published in the environment"));
  });
  return app;
}

async function injectFault(ctx: Koa.Context, fault: Fault, o: LocalAppOptions): Promise<void> {
  if (fault === "500") {
    ctx.status = 500;
    ctx.body = "Internal Server Error";
  } else if (fault === "throttle") {
    ctx.status = 429;
    ctx.body = { error_code: "APIGW.0308", error_msg: "The throttling threshold has been reached: policy user over ratelimit", request_id: "local" };
  } else {
    await Promise.race([new Promise((resolve) => setTimeout(resolve, o.hangMs).unref()), o.closed]);
    ctx.status = 504;
    ctx.body = { error_code: "APIGW.0201", error_msg: "Backend timeout", request_id: "local" };
  }
}
