/**
 * The calls of API listings (`/api/<id>/…`) served below Koa's middleware stack (issue 21): every
 * call a buyer makes goes through here, and Koa's per-request context, the router's matching (twice:
 * the method check, then the routes) and its response pipeline (an AbortController per streamed
 * answer) were a large share of the call's cost. The answer is written as ./app.ts `answer` and Koa's
 * `respond` would write it, byte for byte: same status, headers, body, HEAD and empty-status handling,
 * same log lines.
 *
 * Only a plain request target is taken: a path starting exactly `/api/`, an id with no percent-escape
 * (the router would decode it), no `#` or control character (Koa's URL parser would take a slow road),
 * a product of a kind serving the route and accepting the product. Anything else returns false and
 * goes through Koa as before, with its 404, 405 and every other answer unchanged.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import type { Kernel } from "../core/kernel.js";
import type { Endpoint } from "../core/kinds/kind.js";
import type { Logger } from "../core/logger.js";
import type { TrustedProxies } from "../core/serving/client-address.js";
import type { HttpAnswer, HttpCall } from "../core/serving/http.js";

/** The API kind's route (core/kinds/api/index.ts); the fast path serves what it matches plainly. */
export const API_ROUTE = "/api/:id{/*rest}";
const PREFIX = "/api/";

/** What a call needs from the app's settings. */
export interface CallDeps {
  kernel: Kernel;
  logger: Logger;
  maxBodyBytes: number;
  bodyTimeoutMs: number;
  trustedProxies?: TrustedProxies;
}

type MakeCall = (req: IncomingMessage, path: string, rawQuery: string, params: Record<string, string>, deps: CallDeps) => HttpCall;

/** A target the fast path leaves to Koa: `#`, `%` in the id, a space or control character, DEL. */
const NOT_PLAIN = /[#\u0000-\u0020\u007f]/;
/** Statuses answered without a body (Koa's `statuses.empty`). */
const EMPTY = new Set([204, 205, 304]);
const JSON_TYPE = "application/json; charset=utf-8";

/**
 * @param byKind the route's endpoint per kind name
 * @returns a handler that serves the call and returns true, or returns false for Koa to serve it
 */
export function apiFastPath(byKind: ReadonlyMap<string, Endpoint>, deps: CallDeps, makeCall: MakeCall): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const url = req.url ?? "";
    if (!url.startsWith(PREFIX) || NOT_PLAIN.test(url)) return false;
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const slash = path.indexOf("/", PREFIX.length);
    const id = path.slice(PREFIX.length, slash < 0 ? undefined : slash);
    if (id === "" || id.includes("%")) return false;
    const served = deps.kernel.product(id);
    const endpoint = served && byKind.get(served.kind.name);
    if (!served || !endpoint || !(endpoint.accepts?.(served.product) ?? true)) return false;
    answerBelowKoa(req, res, path, deps.logger, () => endpoint.serve(served, makeCall(req, path, q < 0 ? "" : url.slice(q + 1), { id }, deps)));
    return true;
  };
}

/**
 * Serves a call taken below Koa (here and ./plain-routes.ts): `serve`'s answer written with `send`, and
 * an error it throws or rejects with logged once and answered 500 without detail, as ./app.ts's error
 * middleware does; never a throw out of the request listener.
 */
export function answerBelowKoa(req: IncomingMessage, res: ServerResponse, path: string, logger: Logger, serve: () => Promise<HttpAnswer>): void {
  let answer: Promise<HttpAnswer>;
  try {
    answer = serve();
  } catch (err) {
    answer = Promise.reject(err);
  }
  void answer.then(
    (a) => send(req, res, a, logger),
    (err: unknown) => {
      logger.error("unhandled error", { path, error: err instanceof Error ? err.message : String(err) });
      send(req, res, { status: 500, body: JSON.stringify({ error: "internal error" }) }, logger);
    },
  );
}

/** Writes `a` as ./app.ts `answer` followed by Koa's `respond` would. */
function send(req: IncomingMessage, res: ServerResponse, a: HttpAnswer, logger: Logger): void {
  const body = typeof a.body === "string" ? Buffer.from(a.body, "utf8") : a.body;
  const stream = Buffer.isBuffer(body) ? undefined : (body as Readable);
  if (res.headersSent || res.destroyed) {
    stream?.destroy();
    if (!res.writableEnded) res.end();
    return;
  }
  try {
    res.statusCode = a.status;
    let typed = false;
    for (const k in a.headers) {
      res.setHeader(k, a.headers[k]!);
      typed ||= k.toLowerCase() === "content-type";
    }
    if (a.type !== undefined || !typed) res.setHeader("Content-Type", a.type ?? JSON_TYPE);
    if (!stream) res.setHeader("Content-Length", (body as Buffer).length);
  } catch (err) {
    // a header Node refuses: the 500 Koa's error middleware would give
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    logger.error("unhandled error", { path: req.url, error: err instanceof Error ? err.message : String(err) });
    return send(req, res, { status: 500, body: JSON.stringify({ error: "internal error" }) }, logger);
  }
  if (EMPTY.has(a.status)) {
    res.removeHeader("Content-Type");
    res.removeHeader("Content-Length");
    res.removeHeader("Transfer-Encoding");
    stream?.once("error", () => {}).destroy();
    res.end();
    return;
  }
  if (!stream) return void res.end(req.method === "HEAD" ? undefined : body);
  // the answer's stream is destroyed when the response ends or its connection goes (Koa's onFinish)
  res.once("close", () => {
    if (!res.writableFinished && req.method !== "HEAD") logger.error("server error", { error: "Premature close" });
    stream.destroy();
  });
  if (req.method === "HEAD") return void res.end();
  stream.once("error", (e: Error) => {
    logger.error("server error", { error: e.message });
    res.destroy();
  });
  stream.pipe(res);
}
