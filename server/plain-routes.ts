/**
 * The kinds' endpoints whose path is plain — literal segments and `:name` parameters only, such as
 * `/produce/:id`, `/produce/:id/produceAPI/v2/:sync` and `/licenses/:id/:action` — served below Koa's
 * middleware stack, as ./api-fast-path.ts serves the calls of API listings (issue 21). Every signed
 * call of the marketplace and every licence-relay call comes this way, and Koa's per-request context,
 * its three middlewares, the router's two matches and its response handling were a large share of a
 * call that needs no statement (the relay's cached check). The answer is written as the API path's
 * (`answerBelowKoa`), as ./app.ts `answer` and Koa's `respond` write it: same status, headers and bytes, same log
 * line for an error thrown.
 *
 * Only a plainly matching request is taken: printable ASCII with no `%` (the router would decode a
 * parameter) and no `#`, the exact literal segments (the router would also take other letter cases and
 * a trailing slash), a method one of the route's endpoints serves (not HEAD), a product of a kind serving
 * it and accepting the product. Anything else returns false and goes through Koa as before, with its
 * 404, 405 and every other answer unchanged.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Endpoint } from "../core/kinds/kind.js";
import type { HttpCall } from "../core/serving/http.js";
import { answerBelowKoa, type CallDeps } from "./api-fast-path.js";

type MakeCall = (req: IncomingMessage, path: string, rawQuery: string, params: Record<string, string>, deps: CallDeps) => HttpCall;

/** A route: its segments (a literal, or a parameter's name after `:`) and its endpoints by method, then kind. */
interface PlainRoute {
  segments: readonly string[];
  byMethod: ReadonlyMap<string, ReadonlyMap<string, Endpoint>>;
}

const LITERAL = /^[A-Za-z0-9_.~-]+$/;
const PARAM = /^:[A-Za-z_][A-Za-z0-9_]*$/;
/** A request target taken: `/`, then printable ASCII without `#` or `%`. */
const PLAIN_TARGET = /^\/[\x21-\x22\x24\x26-\x7e]*$/;

/** The routes of `routes` (path → method → kind → endpoint) whose path is plain and names `:id`. */
function plainRoutesOf(routes: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, Endpoint>>>): PlainRoute[] {
  const out: PlainRoute[] = [];
  for (const [path, methods] of routes) {
    const segments = path.split("/").slice(1);
    if (!path.startsWith("/") || !segments.includes(":id") || !segments.every((s) => LITERAL.test(s) || PARAM.test(s))) continue;
    const byMethod = new Map([...methods].filter(([m]) => m !== "ALL" && m !== "HEAD"));
    if (byMethod.size > 0) out.push({ segments, byMethod });
  }
  return out;
}

/**
 * @param routes every kind's endpoints: path → method → kind → endpoint (./app.ts)
 * @returns a handler that serves the call and returns true, or returns false for Koa to serve it
 */
export function plainRoutesPath(routes: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, Endpoint>>>, deps: CallDeps, makeCall: MakeCall): (req: IncomingMessage, res: ServerResponse) => boolean {
  const plain = plainRoutesOf(routes);
  return (req, res) => {
    const url = req.url ?? "";
    if (!PLAIN_TARGET.test(url)) return false;
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const parts = path.split("/");
    for (const route of plain) {
      if (parts.length !== route.segments.length + 1) continue;
      const params: Record<string, string> = {};
      let matched = true;
      for (let i = 0; i < route.segments.length && matched; i++) {
        const s = route.segments[i]!;
        const part = parts[i + 1]!;
        if (s.startsWith(":")) matched = part !== "" && ((params[s.slice(1)] = part), true);
        else matched = part === s;
      }
      if (!matched) continue;
      const byKind = route.byMethod.get(req.method ?? "");
      const served = byKind && deps.kernel.product(params.id!);
      const endpoint = served && byKind.get(served.kind.name);
      if (!served || !endpoint || !(endpoint.accepts?.(served.product) ?? true)) return false;
      answerBelowKoa(req, res, path, deps.logger, () => endpoint.serve(served, makeCall(req, path, q < 0 ? "" : url.slice(q + 1), params, deps)));
      return true;
    }
    return false;
  };
}
