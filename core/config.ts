/**
 * Every environment variable koogate reads, parsed once into a typed config. Each one is listed in the
 * README ("Configuration") with its type, default and effect.
 */
import { availableParallelism } from "node:os";
import { SetupError } from "./errors.js";
import { parseTrustedProxies, type TrustedProxies } from "./serving/client-address.js";
import { parseWholeNumber } from "./numbers.js";

export interface Config {
  /** `PORT`: TCP port of the HTTP server. Default 8080. */
  port: number;
  /** `KOOGATE_PRODUCTS`: folder of product definitions (`*.yaml`). Default `./products`. */
  productsDir: string;
  /** `KOOGATE_DATABASE_URL`: `sqlite:<path>` or `postgres://…`. Default `sqlite:data/koogate.sqlite`. */
  databaseUrl: string;
  /** `NODE_ENV === "production"`: missing key variables refuse the start instead of using dev keys. */
  production: boolean;
  /** `KOOGATE_LOG_LEVEL`: debug | info | warn | error. Default info. */
  logLevel: LogLevel;
  /**
   * `KOOGATE_LOG_FORMAT`: json (one JSON object per line) | pretty (pino-pretty's text, for a person at
   * a terminal). Default pretty when stderr is a TTY, else json.
   */
  logFormat: LogFormat;
  /** `KOOGATE_MAX_BODY_BYTES`: largest request body accepted. Default 65536. */
  maxBodyBytes: number;
  /**
   * `KOOGATE_MAX_CONNECTIONS`: most TCP connections open at once; past it the new connection is
   * accepted and the least-progressed one closed (see `maxConnectionsPerAddress`; logged at most every 10 s). Default 1000: far above what two cores
   * answer at once (calls take milliseconds and each connection is bounded by the timeouts below),
   * and under the usual `ulimit -n` of 1024, so the process runs out of connections before it runs
   * out of file descriptors.
   */
  maxConnections: number;
  /**
   * `KOOGATE_MAX_CONNECTIONS_PER_ADDRESS`: most TCP connections open at once from one socket address
   * (the peer's, never a forwarded header). Default 256. Past either limit the new connection is
   * accepted and the least-progressed one (of that address, for this limit) is closed: one that has
   * sent nothing, else the slowest sender; never one being answered (server/connection-shedding.ts).
   * Behind a reverse proxy every connection has the proxy's address: keep it above the proxy's
   * connection count to koogate.
   */
  maxConnectionsPerAddress: number;
  /**
   * `KOOGATE_REQUEST_TIMEOUT_MS`: how long a caller has to send one request, headers and body, from
   * its first byte; past it the connection is answered 408 and closed. Default 5000: KooGallery gives
   * up on a call after 5 s (docs/marketplace/saas.md §1), so a request still arriving then is one nobody waits for.
   */
  requestTimeoutMs: number;
  /**
   * `KOOGATE_IDLE_TIMEOUT_MS`: how long a keep-alive connection may sit idle between requests before
   * it is closed. Default 5000. Behind a reverse proxy that keeps connections to koogate open, set the
   * proxy's idle timeout below this one.
   */
  idleTimeoutMs: number;
  /**
   * `KOOGATE_RETENTION_DAYS`: how long events, finished outbox jobs (done / failed) and done operations
   * are kept before a background purge deletes them. Default 90. Done operations are never purged
   * before `OPERATION_MIN_RETENTION_DAYS` (core/store/retention.ts): a resend still needs their answer.
   */
  retentionDays: number;
  /**
   * `KOOGATE_REFUSAL_SAMPLE`: how many calls refused before their signature verified are written to the
   * event log and the log, per product per minute; the rest are counted and summed up in one row per
   * reason when the minute closes (core/serving/refusal-sampler.ts). Default 20.
   */
  refusalSample: number;
  /**
   * `KOOGATE_USAGE_FLUSH_SECONDS`: how often recorded usage of metered listings is pushed to KooGallery
   * (docs/marketplace/api-image-openapi.md §4: hourly). Default 3600, from 1 to 86400.
   */
  usageFlushSeconds: number;
  /**
   * `KOOGATE_ADAPTER_CONCURRENCY`: adapter calls (first attempts and outbox jobs) one process runs at
   * once. Default `defaultAdapterConcurrency()`: the cores, at most libuv's pool less two (2 on 2 cores).
   */
  adapterConcurrency: number;
  /**
   * `KOOGATE_ADAPTER_WAIT_MS`: how long a call waits for a free adapter slot before it is answered
   * 000000 at once and its work is queued in the outbox. Default 100.
   */
  adapterWaitMs: number;
  /**
   * `KOOGATE_TRUSTED_PROXIES`: the reverse proxies in front of koogate, as addresses and CIDR blocks
   * separated by commas (`127.0.0.1, 10.0.0.0/8`). A request whose socket peer is one of them is
   * counted under the rightmost `X-Forwarded-For` hop that is not; every other request under its
   * socket peer, whatever it sends (core/serving/client-address.ts). Default none: no header is trusted.
   */
  trustedProxies: TrustedProxies;
  /**
   * `KOOGATE_WORKERS`: how many server processes `koogate serve` runs on one port (node:cluster), each
   * a whole koogate on the shared database; a primary process restarts one that dies. A whole number
   * from 1 to 64, or `auto`: the cores (`os.availableParallelism()`). Default 1 (no primary). More than
   * one needs PostgreSQL. `koogate serve --workers` overrides it.
   */
  workers: number;
  /**
   * `KOOGATE_STOP_TIMEOUT_SECONDS`: how long a stop (SIGTERM, SIGINT) may take: new connections are
   * refused at once, calls in flight are answered, adapter work finishes or is handed back to the
   * outbox (5 s), the database closes, and the process exits 0. Past this it exits 1 with whatever is
   * unfinished left to the outbox's leases. Default 20, from 1 to 3600: below the 30 s a container
   * platform waits after SIGTERM before it kills.
   */
  stopTimeoutMs: number;
}

export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ["json", "pretty"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * @param env the variables to read; default the process's
 * @param stderrIsTTY whether stderr is a terminal, for the default log format; default the process's
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, stderrIsTTY = process.stderr.isTTY === true): Config {
  return {
    port: integer(env, "PORT", 8080, 0, 65535),
    productsDir: env.KOOGATE_PRODUCTS || "./products",
    databaseUrl: env.KOOGATE_DATABASE_URL || "sqlite:data/koogate.sqlite",
    production: env.NODE_ENV === "production",
    logLevel: oneOf(env, "KOOGATE_LOG_LEVEL", LOG_LEVELS, "info"),
    logFormat: oneOf(env, "KOOGATE_LOG_FORMAT", LOG_FORMATS, stderrIsTTY ? "pretty" : "json"),
    maxBodyBytes: integer(env, "KOOGATE_MAX_BODY_BYTES", 65536, 1024, 16 * 1024 * 1024),
    maxConnections: integer(env, "KOOGATE_MAX_CONNECTIONS", 1000, 1, 1_000_000),
    maxConnectionsPerAddress: integer(env, "KOOGATE_MAX_CONNECTIONS_PER_ADDRESS", 256, 1, 1_000_000),
    requestTimeoutMs: integer(env, "KOOGATE_REQUEST_TIMEOUT_MS", 5000, 100, 120_000),
    idleTimeoutMs: integer(env, "KOOGATE_IDLE_TIMEOUT_MS", 5000, 100, 120_000),
    retentionDays: integer(env, "KOOGATE_RETENTION_DAYS", 90, 1, 36500),
    refusalSample: integer(env, "KOOGATE_REFUSAL_SAMPLE", 20, 0, 10000),
    usageFlushSeconds: integer(env, "KOOGATE_USAGE_FLUSH_SECONDS", 3600, 1, 86_400),
    adapterConcurrency: integer(env, "KOOGATE_ADAPTER_CONCURRENCY", defaultAdapterConcurrency(availableParallelism(), env.UV_THREADPOOL_SIZE), 1, 1024),
    adapterWaitMs: integer(env, "KOOGATE_ADAPTER_WAIT_MS", 100, 0, 4000),
    trustedProxies: parseTrustedProxies(env.KOOGATE_TRUSTED_PROXIES),
    workers: workerCount("KOOGATE_WORKERS", env.KOOGATE_WORKERS),
    stopTimeoutMs: integer(env, "KOOGATE_STOP_TIMEOUT_SECONDS", 20, 1, 3600) * 1000,
  };
}

/** Most worker processes: beyond the cores they only compete for them; 64 covers any one machine. */
export const MAX_WORKERS = 64;

/**
 * A worker count as written in `KOOGATE_WORKERS` or `--workers` (`what` names which, for the message):
 * a whole number from 1 to MAX_WORKERS, or `auto` for the cores. Unset or empty: 1.
 */
export function workerCount(what: string, raw: string | undefined, cores = availableParallelism()): number {
  if (raw === undefined || raw.trim() === "") return 1;
  if (raw.trim() === "auto") return Math.min(cores, MAX_WORKERS);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS) throw new SetupError(`${what} must be a whole number from 1 to ${MAX_WORKERS} or auto (the cores), not "${raw}"`);
  return n;
}

/**
 * Every environment variable koogate itself reads (this module, core/marketplace/config.ts,
 * core/ops/config.ts), for the deployment files' test; product key variables are named by the
 * definitions, adapters read their own.
 */
export const SETTINGS: readonly string[] = [
  "PORT", "NODE_ENV", "KOOGATE_CONFIG", "KOOGATE_PRODUCTS", "KOOGATE_DATABASE_URL", "KOOGATE_LOG_LEVEL", "KOOGATE_LOG_FORMAT",
  "KOOGATE_MAX_BODY_BYTES", "KOOGATE_MAX_CONNECTIONS", "KOOGATE_REQUEST_TIMEOUT_MS", "KOOGATE_IDLE_TIMEOUT_MS",
  "KOOGATE_RETENTION_DAYS", "KOOGATE_REFUSAL_SAMPLE", "KOOGATE_USAGE_FLUSH_SECONDS", "KOOGATE_ADAPTER_CONCURRENCY",
  "KOOGATE_ADAPTER_WAIT_MS", "UV_THREADPOOL_SIZE", "KOOGATE_WORKERS", "KOOGATE_STOP_TIMEOUT_SECONDS",
  "KOOGATE_MARKETPLACE_URL", "KOOGATE_MARKETPLACE_FALLBACK_URL", "KOOGATE_MARKETPLACE_AK", "KOOGATE_MARKETPLACE_SK",
  "KOOGATE_METRICS_TOKEN", "KOOGATE_OPS_TOKEN", "KOOGATE_ALERT_WEBHOOK", "KOOGATE_ALERT_FORMAT", "KOOGATE_ALERT_WINDOW_MINUTES",
  "KOOGATE_ALERT_THRESHOLD_PERCENT", "KOOGATE_ALERT_MIN_CALLS", "KOOGATE_ALERT_CHECK_MS", "KOOGATE_PROVISIONING_DEADLINE_MINUTES",
  "KOOGATE_RECONCILE_AT", "KOOGATE_TRUSTED_PROXIES", "KOOGATE_MAX_CONNECTIONS_PER_ADDRESS", "KOOGATE_MARKETPLACE_MAX_ANSWER_BYTES",
  "KOOGATE_METRICS_LISTEN", "KOOGATE_OPS_SECURE_COOKIE", "KOOGATE_PROCESS_NAME",
];

/**
 * Adapter calls one process runs at once unless told: no more than the cores, because CPU-bound adapter
 * work (hashing) does not finish sooner with more, and at most libuv's thread pool less two, so that two
 * of its threads are always free for SQLite's statements (which run there one each). 2 on 2 cores.
 * @param poolSize `UV_THREADPOOL_SIZE` as set (libuv's default 4 when not)
 */
export function defaultAdapterConcurrency(cores: number, poolSize: string | undefined): number {
  const pool = Number(poolSize) >= 1 ? Math.min(Math.floor(Number(poolSize)), 1024) : 4;
  return Math.max(1, Math.min(cores, pool - 2));
}

function integer(env: NodeJS.ProcessEnv, name: string, dflt: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return dflt;
  const n = parseWholeNumber(raw);
  if (n === undefined || n < min || n > max) {
    throw new SetupError(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  }
  return n;
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, values: readonly T[], dflt: T): T {
  const raw = env[name];
  if (raw === undefined || raw === "") return dflt;
  if (!(values as readonly string[]).includes(raw)) {
    throw new SetupError(`${name} must be one of ${values.join(", ")}, not "${raw}"`);
  }
  return raw as T;
}
