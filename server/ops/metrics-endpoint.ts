/**
 * Who may scrape `/metrics` (issue 24, finding 13): the metrics name the Node version, the products and
 * the heap, so they are not for the internet. On the main port `/metrics` wants the bearer token of
 * `KOOGATE_METRICS_TOKEN` and answers 404 when none is set; `KOOGATE_METRICS_LISTEN` opens a second,
 * metrics-only listener on an interface only Prometheus reaches, open unless a token is set too.
 */
import { createServer, type Server } from "node:http";
import type { Logger } from "../../core/logger.js";
import type { Metrics } from "../../core/ops/metrics.js";
import { sameSecret } from "./auth.js";

export interface MetricsAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const jsonType = { "Content-Type": "application/json; charset=utf-8" };

/**
 * The answer to a scrape.
 * @param token `KOOGATE_METRICS_TOKEN`, if set
 * @param open whether a scrape without a token is served (the private listener, no token set)
 * @param authorization the request's `Authorization` header
 */
export async function scrape(metrics: Metrics, o: { token: string | undefined; open: boolean; authorization: string | undefined }): Promise<MetricsAnswer> {
  if (o.token === undefined && !o.open) {
    return { status: 404, headers: jsonType, body: JSON.stringify({ error: "not found: metrics are served with KOOGATE_METRICS_TOKEN or on KOOGATE_METRICS_LISTEN" }) };
  }
  if (o.token !== undefined) {
    const given = /^Bearer\s+(\S+)$/i.exec(o.authorization ?? "")?.[1];
    if (given === undefined || !sameSecret(given, o.token)) {
      return {
        status: 401,
        headers: { ...jsonType, "WWW-Authenticate": 'Bearer realm="koogate metrics"' },
        body: JSON.stringify({ error: "the metrics need the bearer token of KOOGATE_METRICS_TOKEN" }),
      };
    }
  }
  return { status: 200, headers: { "Content-Type": metrics.contentType }, body: await metrics.text() };
}

/** Starts the metrics-only listener of `KOOGATE_METRICS_LISTEN`; resolves once it is bound. */
export function listenForMetrics(metrics: Metrics, o: { host: string; port: number; token: string | undefined; logger: Logger }): Promise<Server> {
  const server = createServer({ headersTimeout: 5000, requestTimeout: 5000 }, (req, res) => {
    const path = (req.url ?? "").split("?")[0];
    const answer: Promise<MetricsAnswer> =
      req.method === "GET" && path === "/metrics"
        ? scrape(metrics, { token: o.token, open: true, authorization: req.headers.authorization })
        : Promise.resolve({ status: 404, headers: jsonType, body: JSON.stringify({ error: "not found: this listener serves GET /metrics only" }) });
    answer
      .catch(() => ({ status: 500, headers: jsonType, body: JSON.stringify({ error: "the metrics could not be collected" }) }))
      .then((a) => res.writeHead(a.status, a.headers).end(a.body));
  });
  server.maxConnections = 64;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => {
      server.off("error", reject);
      server.on("error", (e) => o.logger.error("metrics listener", { error: e.message }));
      o.logger.info("metrics served on their own listener", { address: server.address(), setting: "KOOGATE_METRICS_LISTEN", token: o.token !== undefined });
      resolve(server);
    });
  });
}
