/**
 * The operations settings (metrics, alarm, operator page, daily reconciliation), read from the
 * environment at start; each one is listed in the README ("Operating koogate") with type, default and
 * effect. A value that cannot be used stops the start with a message naming the variable.
 */
import { SetupError } from "../errors.js";
import { parseDecimal } from "../numbers.js";

/** When the operator page's session cookie is `Secure`: always, or when the request is https (`ctx.secure`). */
export const OPS_SECURE_COOKIE = ["always", "auto"] as const;
export type OpsSecureCookie = (typeof OPS_SECURE_COOKIE)[number];

export const ALERT_FORMATS = ["generic", "slack", "feishu", "dingtalk"] as const;
export type AlertFormat = (typeof ALERT_FORMATS)[number];

export interface OpsConfig {
  /**
   * `KOOGATE_METRICS_TOKEN`: `/metrics` wants `Authorization: Bearer <token>`. Default none: `/metrics`
   * on the main port answers 404 (issue 24, finding 13: metrics were open to the internet by default).
   */
  metricsToken?: string;
  /**
   * `KOOGATE_METRICS_LISTEN`: `<host>:<port>` of a second listener that serves only `GET /metrics`,
   * without a token unless `KOOGATE_METRICS_TOKEN` is set too: for a private interface that only
   * Prometheus reaches (e.g. `10.0.0.5:9464`, `127.0.0.1:9464`). Default none.
   */
  metricsListen?: { host: string; port: number };
  /** `KOOGATE_PROCESS_NAME`: the `process` label of every metric. Default `<hostname>-<pid>`. */
  processName?: string;
  /** `KOOGATE_OPS_TOKEN`: the operator page's token; none → `/ops` is off (404). */
  opsToken?: string;
  /**
   * `KOOGATE_OPS_SECURE_COOKIE`: always | auto. `always`: the session cookie is `Secure` whatever the
   * request looks like; `auto`: only when the request is https as Koa sees it (directly, or through a
   * trusted proxy). Default always when `NODE_ENV=production`, else auto.
   */
  opsSecureCookie: OpsSecureCookie;
  /** `KOOGATE_ALERT_WEBHOOK`: where alerts are POSTed; none → alarms are only logged and shown on /ops. */
  alertWebhook?: string;
  /** `KOOGATE_ALERT_FORMAT`: generic | slack | feishu | dingtalk. Default generic. */
  alertFormat: AlertFormat;
  /** `KOOGATE_ALERT_WINDOW_MINUTES`: the failure share's sliding window. Default 60. */
  alertWindowMs: number;
  /** `KOOGATE_ALERT_THRESHOLD_PERCENT`: failure share that raises the alarm. Default 5. */
  alertThreshold: number;
  /** `KOOGATE_ALERT_MIN_CALLS`: calls in the window before a share counts. Default 20. */
  alertMinCalls: number;
  /** `KOOGATE_ALERT_CHECK_MS`: how often the conditions are evaluated. Default 30000. */
  alertCheckMs: number;
  /** `KOOGATE_PROVISIONING_DEADLINE_MINUTES`: an instance provisioning longer is overdue. Default 60. */
  provisioningDeadlineMs: number;
  /** `KOOGATE_RECONCILE_AT`: `HH:MM` UTC of a daily reconciliation; default none (off). */
  reconcileAt?: { hour: number; minute: number };
}

export function loadOpsConfig(env: NodeJS.ProcessEnv): OpsConfig {
  const set = (name: string) => env[name]?.trim() || undefined;
  const webhook = set("KOOGATE_ALERT_WEBHOOK");
  if (webhook !== undefined && !/^https?:\/\/[^\s]+$/.test(webhook)) throw new SetupError("KOOGATE_ALERT_WEBHOOK must be an http:// or https:// URL");
  const format = set("KOOGATE_ALERT_FORMAT") ?? "generic";
  if (!(ALERT_FORMATS as readonly string[]).includes(format)) throw new SetupError(`KOOGATE_ALERT_FORMAT must be one of ${ALERT_FORMATS.join(", ")}, not "${format}"`);
  const secureCookie = set("KOOGATE_OPS_SECURE_COOKIE") ?? (env.NODE_ENV === "production" ? "always" : "auto");
  if (!(OPS_SECURE_COOKIE as readonly string[]).includes(secureCookie)) throw new SetupError(`KOOGATE_OPS_SECURE_COOKIE must be one of ${OPS_SECURE_COOKIE.join(", ")}, not "${secureCookie}"`);
  const at = set("KOOGATE_RECONCILE_AT");
  const hm = at === undefined ? undefined : /^([01]\d|2[0-3]):([0-5]\d)$/.exec(at);
  if (at !== undefined && !hm) throw new SetupError(`KOOGATE_RECONCILE_AT must be a UTC time HH:MM, not "${at}"`);
  return {
    metricsToken: token(set("KOOGATE_METRICS_TOKEN"), "KOOGATE_METRICS_TOKEN"),
    metricsListen: hostPort(set("KOOGATE_METRICS_LISTEN"), "KOOGATE_METRICS_LISTEN"),
    processName: label(set("KOOGATE_PROCESS_NAME"), "KOOGATE_PROCESS_NAME"),
    opsToken: token(set("KOOGATE_OPS_TOKEN"), "KOOGATE_OPS_TOKEN"),
    opsSecureCookie: secureCookie as OpsSecureCookie,
    alertWebhook: webhook,
    alertFormat: format as AlertFormat,
    alertWindowMs: number(env, "KOOGATE_ALERT_WINDOW_MINUTES", 60, 1, 1440) * 60_000,
    alertThreshold: number(env, "KOOGATE_ALERT_THRESHOLD_PERCENT", 5, 0.01, 100) / 100,
    alertMinCalls: number(env, "KOOGATE_ALERT_MIN_CALLS", 20, 1, 1_000_000),
    alertCheckMs: number(env, "KOOGATE_ALERT_CHECK_MS", 30_000, 100, 3_600_000),
    provisioningDeadlineMs: number(env, "KOOGATE_PROVISIONING_DEADLINE_MINUTES", 60, 1, 10_080) * 60_000,
    reconcileAt: hm ? { hour: Number(hm[1]), minute: Number(hm[2]) } : undefined,
  };
}

/** A token short enough to guess is refused: it guards the buyers' orders. */
function token(v: string | undefined, name: string): string | undefined {
  if (v !== undefined && v.length < 16) throw new SetupError(`${name} must be at least 16 characters (a random one: openssl rand -hex 24)`);
  return v;
}

/** `<host>:<port>`, an IPv6 host in brackets; the port in decimal digits, 0 for any free one. */
function hostPort(v: string | undefined, name: string): { host: string; port: number } | undefined {
  if (v === undefined) return undefined;
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/.exec(v);
  const port = Number(m?.[3]);
  if (!m || port > 65535) throw new SetupError(`${name} must be <host>:<port> (e.g. 127.0.0.1:9464, [::1]:9464), not "${v}"`);
  return { host: m[1] ?? m[2]!, port };
}

/** A Prometheus label value of at most 64 printable ASCII characters. */
function label(v: string | undefined, name: string): string | undefined {
  if (v !== undefined && !/^[\x21-\x7e]{1,64}$/.test(v)) throw new SetupError(`${name} must be 1 to 64 printable characters without spaces, not "${v.slice(0, 80)}"`);
  return v;
}

function number(env: NodeJS.ProcessEnv, name: string, dflt: number, min: number, max: number): number {
  const raw = env[name];
  if (!raw) return dflt;
  const n = parseDecimal(raw);
  if (n === undefined || n < min || n > max) throw new SetupError(`${name} must be a number from ${min} to ${max}, not "${raw}"`);
  return n;
}

/** The next time (ms) at `at` UTC strictly after `nowMs`. */
export function nextDailyRun(at: { hour: number; minute: number }, nowMs: number): number {
  const d = new Date(nowMs);
  const t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), at.hour, at.minute);
  return t > nowMs ? t : t + 86_400_000;
}
