/**
 * (a3) the API case's floor: the least a proxy can do — a node:http server that forwards every request
 * to the upstream with `http.request` over a keep-alive agent, piping the bodies both ways, and nothing
 * else (no signature, no log, no limit). Going through any proxy costs two more socket writes and reads
 * per call; koogate's API path is measured against this (issue 21), not only against the upstream alone.
 *
 *   node dist/bench/servers/bare-proxy.js <upstream port>
 */
import { Agent, createServer, request } from "node:http";
import { announce } from "./listen.js";

const upstreamPort = Number(process.argv[2]);
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const server = createServer((req, res) => {
  const out = request({ host: "127.0.0.1", port: upstreamPort, method: req.method, path: req.url, headers: req.headers, agent }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  out.on("error", () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(out);
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => announce(server, async () => void server.close()));
