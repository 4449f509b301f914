/**
 * The gateway check for a merchant's own server, without koogate's: Koa middleware, and the plain
 * function (./gateway-auth.ts `verifyGatewayCall`) for Express or anything else. Both refuse exactly
 * as koogate's `/api/<id>` does: HTTP 401 with `{"error": "…"}`, before the merchant's code runs.
 */
import type { IncomingMessage } from "node:http";
import { readRawBody } from "../../serving/raw-body.js";
import { needsBody, replayed, verifyGatewayCall, type GatewayAuth, type GatewayVerdict } from "./gateway-auth.js";

export interface GatewayMiddlewareOptions {
  /** largest body read for apig-signature (413 beyond); default 1048576 */
  maxBodyBytes?: number;
  /** the clock; default Date.now */
  now?: () => number;
  /**
   * apig-signature: remembers a signature until `expiresAt` and says whether it was new (false: a replay,
   * refused 401). Without it replays within the 15-minute window are not refused: give one backed by
   * storage every instance of the service shares (koogate's own `/api/<id>` uses its nonce table).
   */
  claim?: (signature: string, expiresAt: number) => boolean | Promise<boolean>;
}

/**
 * What the middleware uses of Koa's context, named here so that core/ imports no Koa (a Koa context is one;
 * so is any framework's that has these members).
 */
export interface GatewayContext {
  method: string;
  path: string;
  querystring: string;
  req: IncomingMessage;
  state: Record<string, unknown>;
  status: number;
  type: string;
  body: unknown;
}

/** Koa's middleware shape, over the members above. */
export type GatewayMiddleware = (ctx: GatewayContext, next: () => Promise<unknown>) => Promise<void>;

/** What the middleware leaves on `ctx.state.gateway` for the handlers after it. */
export interface GatewayState {
  verdict: Extract<GatewayVerdict, { ok: true }>;
  /** apig-signature: the exact body bytes, already read (the request stream is consumed) */
  rawBody?: Buffer;
}

/**
 * Koa middleware that lets only the gateway's calls through. With apig-signature it reads the body
 * (the signature covers it) and leaves the bytes in `ctx.state.gateway.rawBody`.
 */
export function gatewayAuth(auth: GatewayAuth, opts: GatewayMiddlewareOptions = {}): GatewayMiddleware {
  const limit = opts.maxBodyBytes ?? 1_048_576;
  return async (ctx, next) => {
    let rawBody: Buffer | undefined;
    if (needsBody(auth.scheme)) {
      const raw = await readRawBody(ctx.req, limit);
      if (raw.oversize) return refuse(ctx, 413, "request body too large");
      rawBody = raw.bytes;
    }
    let verdict = verifyGatewayCall(auth, { method: ctx.method, path: ctx.path, rawQuery: ctx.querystring, headers: ctx.req.headers, body: rawBody }, (opts.now ?? Date.now)());
    if (verdict.ok && verdict.replayKey && opts.claim && !(await opts.claim(verdict.replayKey.value, verdict.replayKey.expiresAt))) verdict = replayed();
    if (!verdict.ok) return refuse(ctx, verdict.status, verdict.error);
    (ctx.state as { gateway?: GatewayState }).gateway = { verdict, rawBody };
    await next();
  };
}

function refuse(ctx: GatewayContext, status: number, error: string): void {
  ctx.status = status;
  ctx.type = "application/json; charset=utf-8";
  ctx.body = Buffer.from(JSON.stringify({ error }), "utf8");
}
