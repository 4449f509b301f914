/**
 * The HTTP server in front of the Koa app, with the bounds an internet-facing server needs
 * ("Hold under hostile traffic", item 4): a request must arrive within `requestTimeoutMs`, an idle
 * keep-alive connection is closed after `idleTimeoutMs`, at most `maxConnections` are open at once (and
 * `maxConnectionsPerAddress` from one address) — past them the least-progressed connection is closed,
 * not the new one (server/connection-shedding.ts) — and a request answered before its body fully
 * arrived (a body refused as oversize) closes its connection.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "../core/logger.js";
import { ConnectionShedder, type Shed } from "./connection-shedding.js";

/** Per server, the connections that have not sent a request yet. */
const unusedSockets = new WeakMap<Server, Set<Socket>>();

/**
 * Closes the connections that never sent a request: a browser opens spare ones ahead of need
 * (preconnect), and Node counts them neither idle nor busy, so `close()` would wait for the browser to
 * drop them (a minute, for chromium).
 */
export function closeUnusedConnections(server: Server): void {
  for (const s of unusedSockets.get(server) ?? []) s.destroy();
}

export interface HttpLimits {
  /** most connections open at once (`KOOGATE_MAX_CONNECTIONS`) */
  maxConnections: number;
  /** most connections open at once from one socket address (`KOOGATE_MAX_CONNECTIONS_PER_ADDRESS`) */
  maxConnectionsPerAddress: number;
  /** time to send one whole request, headers and body (`KOOGATE_REQUEST_TIMEOUT_MS`) */
  requestTimeoutMs: number;
  /** idle time allowed between two requests of a keep-alive connection (`KOOGATE_IDLE_TIMEOUT_MS`) */
  idleTimeoutMs: number;
}

/** At most one log line per this long about connections closed at a limit, however many are. */
export const DROP_LOG_INTERVAL_MS = 10_000;

/**
 * Node checks the header and request timeouts on a timer, every 30 s unless told otherwise; with
 * timeouts of a few seconds that would let a slow sender hold its connection up to 30 s longer.
 */
const TIMEOUT_CHECK_INTERVAL_MS = 250;

/** Creates (does not start) the server for `listener`, e.g. a Koa app's `callback()`. */
export function createHttpServer(listener: RequestListener, limits: HttpLimits, logger: Logger): Server {
  const server = createServer(
    {
      headersTimeout: limits.requestTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.idleTimeoutMs,
      connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_INTERVAL_MS, limits.requestTimeoutMs),
    },
    (req, res) => {
      unused.delete(req.socket);
      shedder.requested(req);
      res.once("finish", () => shedder.answered(req.socket));
      closeIfAnsweredEarly(req, res);
      listener(req, res);
    },
  );
  const unused = new Set<Socket>();
  const shedder = new ConnectionShedder(limits);
  const logShed = logDrops(server, limits, logger);
  server.on("connection", (socket: Socket) => {
    unused.add(socket);
    socket.once("close", () => unused.delete(socket));
    const shed = shedder.accept(socket);
    if (shed) logShed(shed);
  });
  unusedSockets.set(server, unused);
  // Past `listen`, an accept that fails (EMFILE: out of file descriptors) is emitted as an 'error' on
  // the server, which would end the process if nobody listened for it. The listening socket stays up.
  server.on("error", (err: NodeJS.ErrnoException) => {
    if (server.listening) logger.error("connection not accepted", { error: err.message, code: err.code });
  });
  return server;
}

/**
 * An answer written while its request is still arriving (a body refused as oversize, declared or
 * grown past the limit) says `Connection: close`, and Node then destroys the socket once the answer is
 * flushed. Left alone, Node would keep the connection for the next request and read — and throw away —
 * the rest of the body first, however large or slow it is.
 */
function closeIfAnsweredEarly(req: IncomingMessage, res: ServerResponse): void {
  const writeHead = res.writeHead;
  // Every answer passes here, an implicit one (res.end without writeHead) too; headers are still open.
  res.writeHead = function (this: ServerResponse, ...args: Parameters<typeof writeHead>) {
    if (!req.complete) this.shouldKeepAlive = false;
    return writeHead.apply(this, args);
  } as typeof writeHead;
}

/**
 * Logs that a connection limit was reached: at once for the first connection closed, then at most
 * every DROP_LOG_INTERVAL_MS with the counts closed meanwhile, so that a flood cannot flood the log.
 * Returns the function to call for each connection closed.
 */
function logDrops(server: Server, limits: HttpLimits, logger: Logger): (shed: Shed) => void {
  const counts: Record<Shed, number> = { "closed-silent": 0, "closed-slowest": 0, refused: 0 };
  let timer: NodeJS.Timeout | undefined;
  const report = () => {
    if (counts["closed-silent"] + counts["closed-slowest"] + counts.refused === 0) {
      timer = undefined;
      return;
    }
    logger.warn("connection limit reached: least-progressed connections closed", {
      closedSilent: counts["closed-silent"],
      closedSlowest: counts["closed-slowest"],
      refused: counts.refused,
      maxConnections: limits.maxConnections,
      maxConnectionsPerAddress: limits.maxConnectionsPerAddress,
      settings: "KOOGATE_MAX_CONNECTIONS, KOOGATE_MAX_CONNECTIONS_PER_ADDRESS",
    });
    counts["closed-silent"] = counts["closed-slowest"] = counts.refused = 0;
    timer = setTimeout(report, DROP_LOG_INTERVAL_MS).unref();
  };
  server.on("close", () => clearTimeout(timer));
  return (shed) => {
    counts[shed]++;
    if (!timer) report();
  };
}
