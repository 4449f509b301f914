/**
 * Every environment variable koogate reads, one row each: its type, default, bounds, what it does,
 * whether it is a secret, and which part of koogate uses it. The parsers of core/settings/ take the
 * default and bounds from here (each default is written once, here), `koogate check` prints the
 * effective value of each row, and the settings reference (docs/) is generated from it.
 *
 * Product key variables are named by the definitions and adapters' own variables by the adapters:
 * neither is listed here; both reach their readers through the read-only view `Settings.env`.
 */
import { MARKETPLACE_CALL_TIMEOUT_MS, MAX_ADAPTER_WAIT_MS, PROVISIONING_DEADLINE_MINUTES } from "./timings.js";

/** Which part of koogate reads a setting. */
export type SettingPart = "server" | "project" | "operations" | "marketplace" | "testing" | "bench";

export type SettingType = "whole number" | "decimal number" | "one of" | "text" | "URL" | "token" | "HH:MM" | "host:port" | "addresses";

export interface SettingRow {
  readonly variable: string;
  readonly type: SettingType;
  /** the default when unset or empty: a value, or (`computed`) a description of how it is chosen */
  readonly default?: number | string;
  /** the default depends on other things (the machine, another setting): `default` describes it */
  readonly computed?: boolean;
  readonly min?: number;
  readonly max?: number;
  /** `one of`: the values allowed */
  readonly values?: readonly string[];
  readonly description: string;
  /** never printed or logged: `koogate check` shows "set" or "not set" */
  readonly secret: boolean;
  readonly part: SettingPart;
}

/** The rows, in the order `koogate check` prints them. */
export const SETTING_TABLE = [
  { variable: "PORT", type: "whole number", default: 8080, min: 0, max: 65535, secret: false, part: "server", description: "TCP port of the HTTP server" },
  { variable: "NODE_ENV", type: "text", secret: false, part: "server", description: "`production`: missing key variables refuse the start instead of using development keys" },
  { variable: "KOOGATE_CONFIG", type: "text", secret: false, part: "project", description: "the project file to read instead of looking for koogate.config.* in the working directory" },
  { variable: "KOOGATE_PRODUCTS", type: "text", default: "products", secret: false, part: "project", description: "folder of product definitions (`*.yaml`); wins over the project file's `products` (relative to the project file there, to the working directory here)" },
  { variable: "KOOGATE_DATABASE_URL", type: "URL", default: "sqlite:data/koogate.sqlite", secret: true, part: "project", description: "`sqlite:<path>` or `postgres://…`; wins over the project file's `database`" },
  { variable: "KOOGATE_LOG_LEVEL", type: "one of", values: ["debug", "info", "warn", "error", "silent"], default: "info", secret: false, part: "server", description: "the least severe log line written" },
  { variable: "KOOGATE_LOG_FORMAT", type: "one of", values: ["json", "pretty"], default: "pretty when stderr is a terminal, else json", computed: true, secret: false, part: "server", description: "json: one JSON object per line; pretty: pino-pretty's text, for a person at a terminal" },
  { variable: "KOOGATE_MAX_BODY_BYTES", type: "whole number", default: 65536, min: 1024, max: 16 * 1024 * 1024, secret: false, part: "server", description: "largest request body accepted" },
  { variable: "KOOGATE_MAX_CONNECTIONS", type: "whole number", default: 1000, min: 1, max: 1_000_000, secret: false, part: "server", description: "most TCP connections open at once; past it the least-progressed one is closed" },
  { variable: "KOOGATE_MAX_CONNECTIONS_PER_ADDRESS", type: "whole number", default: 256, min: 1, max: 1_000_000, secret: false, part: "server", description: "most TCP connections open at once from one socket address" },
  { variable: "KOOGATE_REQUEST_TIMEOUT_MS", type: "whole number", default: MARKETPLACE_CALL_TIMEOUT_MS, min: 100, max: 120_000, secret: false, part: "server", description: "how long a caller has to send one request (headers and body); KooGallery gives up on a call after 5 s" },
  { variable: "KOOGATE_IDLE_TIMEOUT_MS", type: "whole number", default: 5000, min: 100, max: 120_000, secret: false, part: "server", description: "how long a keep-alive connection may sit idle between requests" },
  { variable: "KOOGATE_RETENTION_DAYS", type: "whole number", default: 90, min: 1, max: 36500, secret: false, part: "server", description: "how long events, finished outbox jobs and done operations are kept" },
  { variable: "KOOGATE_REFUSAL_SAMPLE", type: "whole number", default: 20, min: 0, max: 10000, secret: false, part: "server", description: "calls refused before their signature verified that are logged per product per minute" },
  { variable: "KOOGATE_USAGE_FLUSH_SECONDS", type: "whole number", default: 3600, min: 1, max: 86_400, secret: false, part: "server", description: "how often recorded usage of metered listings is pushed to KooGallery" },
  { variable: "UV_THREADPOOL_SIZE", type: "whole number", default: 4, secret: false, part: "server", description: "libuv's thread pool (read by Node itself); bounds the default adapter concurrency" },
  { variable: "KOOGATE_ADAPTER_CONCURRENCY", type: "whole number", default: "the cores, at most UV_THREADPOOL_SIZE less two", computed: true, min: 1, max: 1024, secret: false, part: "server", description: "adapter calls (first attempts and outbox jobs) one process runs at once" },
  { variable: "KOOGATE_ADAPTER_WAIT_MS", type: "whole number", default: 100, min: 0, max: MAX_ADAPTER_WAIT_MS, secret: false, part: "server", description: "how long a call waits for a free adapter slot before its work is queued in the outbox" },
  { variable: "KOOGATE_TRUSTED_PROXIES", type: "addresses", default: "none", secret: false, part: "server", description: "reverse proxies in front of koogate (addresses and CIDR blocks); their X-Forwarded-For is believed" },
  { variable: "KOOGATE_WORKERS", type: "whole number", default: 1, min: 1, max: 64, secret: false, part: "server", description: "server processes `koogate serve` runs on one port, or `auto` (the cores); more than one needs PostgreSQL" },
  { variable: "KOOGATE_HEAP_GROWTH_PERCENT", type: "whole number", default: 50, min: 0, max: 300, secret: false, part: "server", description: "how far a serving process's JavaScript heap may grow past what its last full garbage collection kept, in percent, before the next one; 0: V8's own choice (up to 300 % on a machine with much memory)" },
  { variable: "KOOGATE_STOP_TIMEOUT_SECONDS", type: "whole number", default: 20, min: 1, max: 3600, secret: false, part: "server", description: "how long a stop (SIGTERM, SIGINT) may take before the process exits 1" },
  { variable: "npm_lifecycle_event", type: "text", secret: false, part: "server", description: "set by npm: `koogate serve` started by npm also stops when npm is gone" },
  { variable: "KOOGATE_MARKETPLACE_URL", type: "URL", default: "https://mkt.myhuaweicloud.com", secret: false, part: "marketplace", description: "base URL of KooGallery's open APIs (`http://` only on loopback)" },
  { variable: "KOOGATE_MARKETPLACE_FALLBACK_URL", type: "URL", default: "https://mkt.myhuaweicloud.cn when the URL is the default, else none", computed: true, secret: false, part: "marketplace", description: "tried when the first host cannot be reached" },
  { variable: "KOOGATE_MARKETPLACE_AK", type: "text", secret: true, part: "marketplace", description: "the seller account's access key (AK/SK signing)" },
  { variable: "KOOGATE_MARKETPLACE_SK", type: "text", secret: true, part: "marketplace", description: "the seller account's secret key" },
  { variable: "KOOGATE_MARKETPLACE_MAX_ANSWER_BYTES", type: "whole number", default: 4 * 1024 * 1024, min: 1024, max: 1024 * 1024 * 1024, secret: false, part: "marketplace", description: "the most bytes of a marketplace answer read" },
  { variable: "KOOGATE_METRICS_TOKEN", type: "token", secret: true, part: "operations", description: "`/metrics` wants `Authorization: Bearer <token>`; unset: `/metrics` on the main port answers 404" },
  { variable: "KOOGATE_METRICS_LISTEN", type: "host:port", secret: false, part: "operations", description: "a second listener serving only `GET /metrics` (e.g. `127.0.0.1:9464`)" },
  { variable: "KOOGATE_PROCESS_NAME", type: "text", default: "<hostname>-<pid>", computed: true, secret: false, part: "operations", description: "the `process` label of every metric" },
  { variable: "KOOGATE_OPS_TOKEN", type: "token", secret: true, part: "operations", description: "the operator page's token; unset: `/ops` is off" },
  { variable: "KOOGATE_OPS_SECURE_COOKIE", type: "one of", values: ["always", "auto"], default: "always in production, else auto", computed: true, secret: false, part: "operations", description: "when the operator page's session cookie is `Secure`" },
  { variable: "KOOGATE_ALERT_WEBHOOK", type: "URL", secret: true, part: "operations", description: "where alerts are POSTed (its URL often holds a token); unset: alarms are only logged and shown on /ops" },
  { variable: "KOOGATE_ALERT_FORMAT", type: "one of", values: ["generic", "slack", "feishu", "dingtalk"], default: "generic", secret: false, part: "operations", description: "the alert body's shape" },
  { variable: "KOOGATE_ALERT_WINDOW_MINUTES", type: "decimal number", default: 60, min: 1, max: 1440, secret: false, part: "operations", description: "the failure share's sliding window" },
  { variable: "KOOGATE_ALERT_THRESHOLD_PERCENT", type: "decimal number", default: 5, min: 0.01, max: 100, secret: false, part: "operations", description: "failure share that raises the alarm" },
  { variable: "KOOGATE_ALERT_MIN_CALLS", type: "decimal number", default: 20, min: 1, max: 1_000_000, secret: false, part: "operations", description: "calls in the window before a share counts" },
  { variable: "KOOGATE_ALERT_CHECK_MS", type: "decimal number", default: 30_000, min: 100, max: 3_600_000, secret: false, part: "operations", description: "how often the alarm conditions are evaluated" },
  { variable: "KOOGATE_PROVISIONING_DEADLINE_MINUTES", type: "decimal number", default: PROVISIONING_DEADLINE_MINUTES, min: 1, max: 10_080, secret: false, part: "operations", description: "an instance provisioning longer is overdue (alarm, reconciliation)" },
  { variable: "KOOGATE_RECONCILE_AT", type: "HH:MM", secret: false, part: "operations", description: "UTC time of a daily reconciliation; unset: off" },
  { variable: "KOOGATE_TEST_DATABASE_URL", type: "URL", secret: true, part: "testing", description: "`koogate/testing`: a PostgreSQL server on which each test gets a fresh database; unset: SQLite files" },
  { variable: "KOOGATE_BENCH_SECONDS", type: "whole number", default: 8, min: 1, max: 3600, secret: false, part: "bench", description: "`npm run bench`: seconds of load per case" },
  { variable: "KOOGATE_BENCH_CONNECTIONS", type: "whole number", default: 64, min: 1, max: 10_000, secret: false, part: "bench", description: "`npm run bench`: concurrent connections" },
  { variable: "KOOGATE_BENCH_METERING_RECORDS", type: "whole number", default: 5000, min: 1, max: 10_000_000, secret: false, part: "bench", description: "`npm run bench`: usage records pushed by the metering case" },
  { variable: "KOOGATE_BENCH_LINES", type: "whole number", default: 200_000, min: 1, max: 100_000_000, secret: false, part: "bench", description: "`npm run bench`: log lines written by the logger case" },
  { variable: "KOOGATE_BENCH_ONLY", type: "one of", values: ["api", "workers"], secret: false, part: "bench", description: "`npm run bench`: run one case only" },
  { variable: "KOOGATE_BENCH_PROFILE", type: "text", secret: false, part: "bench", description: "`npm run bench`: write the servers' CPU profiles into this folder" },
] as const satisfies readonly SettingRow[];

export type SettingVariable = (typeof SETTING_TABLE)[number]["variable"];

/** Every variable of the table, by name (the deployment files' test checks each variable they set is one). */
export const SETTINGS: readonly SettingVariable[] = SETTING_TABLE.map((r) => r.variable);

const BY_NAME = new Map<string, SettingRow>(SETTING_TABLE.map((r) => [r.variable, r]));

/** The row of `variable`. @throws Error when it has none (a programming mistake: every read setting has a row) */
export function settingRow(variable: SettingVariable): SettingRow {
  const row = BY_NAME.get(variable);
  if (!row) throw new Error(`${variable} has no row in core/settings/table.ts`);
  return row;
}

/** The values a `one of` variable allows, as a type. */
export type ValueOf<V extends SettingVariable> = Extract<(typeof SETTING_TABLE)[number], { variable: V }> extends { values: readonly (infer T)[] } ? T : never;

/** The values a `one of` variable allows. */
export function valuesOf<V extends SettingVariable>(variable: V): readonly ValueOf<V>[] {
  return settingRow(variable).values as readonly ValueOf<V>[];
}
