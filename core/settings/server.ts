/**
 * The server's settings (port, database, logging, limits, workers), read from the environment by the
 * settings module (core/settings/index.ts); the defaults and bounds are in core/settings/table.ts.
 */
import { availableParallelism } from "node:os";
import { SetupError } from "../errors.js";
import { parseTrustedProxies, type TrustedProxies } from "../serving/client-address.js";
import type { Environment, SettingsReader } from "./reader.js";
import { settingRow, valuesOf, type ValueOf } from "./table.js";

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
  /**
   * `KOOGATE_HEAP_GROWTH_PERCENT`: how far the JavaScript heap of a process serving koogate may grow past
   * what its last full garbage collection kept before V8 runs the next one (server/heap-growth.ts).
   * Default 50; 0 leaves V8's own choice, which on a machine with much memory lets the heap grow to
   * four times what it keeps (issue 21: the peak RSS under load was 150–190 MB, most of it garbage
   * waiting for a collection, with 22 MB live).
   */
  heapGrowthPercent: number;
}

export const LOG_LEVELS = valuesOf("KOOGATE_LOG_LEVEL");
export type LogLevel = ValueOf<"KOOGATE_LOG_LEVEL">;

export const LOG_FORMATS = valuesOf("KOOGATE_LOG_FORMAT");
export type LogFormat = ValueOf<"KOOGATE_LOG_FORMAT">;

/** The default database: a SQLite file under data/ (relative to the project file, core/settings/project-file.ts). */
export const DEFAULT_DATABASE_URL = settingRow("KOOGATE_DATABASE_URL").default as string;
/** The default products folder (relative to the project file). */
export const DEFAULT_PRODUCTS_DIR = settingRow("KOOGATE_PRODUCTS").default as string;

/**
 * The server's part of the settings; problems are recorded in `r`.
 * @param stderrIsTTY whether stderr is a terminal, for the default log format
 */
export function readServerSettings(r: SettingsReader, stderrIsTTY: boolean): Config {
  const env = r.env;
  return {
    port: r.whole("PORT"),
    productsDir: r.text("KOOGATE_PRODUCTS") ?? `./${DEFAULT_PRODUCTS_DIR}`,
    databaseUrl: r.text("KOOGATE_DATABASE_URL") ?? DEFAULT_DATABASE_URL,
    production: env.NODE_ENV === "production",
    logLevel: r.oneOf<LogLevel>("KOOGATE_LOG_LEVEL"),
    logFormat: r.oneOf<LogFormat>("KOOGATE_LOG_FORMAT", stderrIsTTY ? "pretty" : "json"),
    maxBodyBytes: r.whole("KOOGATE_MAX_BODY_BYTES"),
    maxConnections: r.whole("KOOGATE_MAX_CONNECTIONS"),
    maxConnectionsPerAddress: r.whole("KOOGATE_MAX_CONNECTIONS_PER_ADDRESS"),
    requestTimeoutMs: r.whole("KOOGATE_REQUEST_TIMEOUT_MS"),
    idleTimeoutMs: r.whole("KOOGATE_IDLE_TIMEOUT_MS"),
    retentionDays: r.whole("KOOGATE_RETENTION_DAYS"),
    refusalSample: r.whole("KOOGATE_REFUSAL_SAMPLE"),
    usageFlushSeconds: r.whole("KOOGATE_USAGE_FLUSH_SECONDS"),
    adapterConcurrency: r.whole("KOOGATE_ADAPTER_CONCURRENCY", defaultAdapterConcurrency(availableParallelism(), env.UV_THREADPOOL_SIZE)),
    adapterWaitMs: r.whole("KOOGATE_ADAPTER_WAIT_MS"),
    trustedProxies: trustedProxies(r),
    workers: workers(r),
    stopTimeoutMs: r.whole("KOOGATE_STOP_TIMEOUT_SECONDS") * 1000,
    heapGrowthPercent: r.whole("KOOGATE_HEAP_GROWTH_PERCENT"),
  };
}

function trustedProxies(r: SettingsReader): TrustedProxies {
  try {
    return parseTrustedProxies(r.env.KOOGATE_TRUSTED_PROXIES);
  } catch (e) {
    r.problem("KOOGATE_TRUSTED_PROXIES", `IP addresses and CIDR blocks separated by commas (${(e as Error).message})`);
    return parseTrustedProxies(undefined);
  }
}

function workers(r: SettingsReader): number {
  try {
    return workerCount("KOOGATE_WORKERS", r.env.KOOGATE_WORKERS);
  } catch {
    r.problem("KOOGATE_WORKERS", `a whole number from 1 to ${MAX_WORKERS} or auto (the cores)`);
    return 1;
  }
}

/** Most worker processes: beyond the cores they only compete for them; 64 covers any one machine. */
export const MAX_WORKERS = settingRow("KOOGATE_WORKERS").max!;

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
 * Adapter calls one process runs at once unless told: no more than the cores, because CPU-bound adapter
 * work (hashing) does not finish sooner with more, and at most libuv's thread pool less two, so that two
 * of its threads are always free for SQLite's statements (which run there one each). 2 on 2 cores.
 * @param poolSize `UV_THREADPOOL_SIZE` as set (libuv's default 4 when not)
 */
export function defaultAdapterConcurrency(cores: number, poolSize: string | undefined): number {
  const dflt = settingRow("UV_THREADPOOL_SIZE").default as number;
  const pool = Number(poolSize) >= 1 ? Math.min(Math.floor(Number(poolSize)), 1024) : dflt;
  return Math.max(1, Math.min(cores, pool - 2));
}

export type { Environment };
