/**
 * The operations settings (metrics, alarm, operator page, daily reconciliation), read by the settings
 * module (core/settings/index.ts); defaults and bounds are in core/settings/table.ts.
 */
import type { SettingsReader } from "./reader.js";
import { valuesOf, type SettingVariable, type ValueOf } from "./table.js";

/** When the operator page's session cookie is `Secure`: always, or when the request is https (`ctx.secure`). */
export const OPS_SECURE_COOKIE = valuesOf("KOOGATE_OPS_SECURE_COOKIE");
export type OpsSecureCookie = ValueOf<"KOOGATE_OPS_SECURE_COOKIE">;

export const ALERT_FORMATS = valuesOf("KOOGATE_ALERT_FORMAT");
export type AlertFormat = ValueOf<"KOOGATE_ALERT_FORMAT">;

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

export function readOpsSettings(r: SettingsReader): OpsConfig {
  const webhook = r.text("KOOGATE_ALERT_WEBHOOK");
  if (webhook !== undefined && !/^https?:\/\/[^\s]+$/.test(webhook)) r.problem("KOOGATE_ALERT_WEBHOOK", "an http:// or https:// URL");
  const at = r.text("KOOGATE_RECONCILE_AT");
  const hm = at === undefined ? undefined : /^([01]\d|2[0-3]):([0-5]\d)$/.exec(at);
  if (at !== undefined && !hm) r.problem("KOOGATE_RECONCILE_AT", "a UTC time HH:MM");
  return {
    metricsToken: token(r, "KOOGATE_METRICS_TOKEN"),
    metricsListen: hostPort(r, "KOOGATE_METRICS_LISTEN"),
    processName: label(r, "KOOGATE_PROCESS_NAME"),
    opsToken: token(r, "KOOGATE_OPS_TOKEN"),
    opsSecureCookie: r.oneOf<OpsSecureCookie>("KOOGATE_OPS_SECURE_COOKIE", r.env.NODE_ENV === "production" ? "always" : "auto"),
    alertWebhook: webhook,
    alertFormat: r.oneOf<AlertFormat>("KOOGATE_ALERT_FORMAT"),
    alertWindowMs: r.decimal("KOOGATE_ALERT_WINDOW_MINUTES") * 60_000,
    alertThreshold: r.decimal("KOOGATE_ALERT_THRESHOLD_PERCENT") / 100,
    alertMinCalls: r.decimal("KOOGATE_ALERT_MIN_CALLS"),
    alertCheckMs: r.decimal("KOOGATE_ALERT_CHECK_MS"),
    provisioningDeadlineMs: r.decimal("KOOGATE_PROVISIONING_DEADLINE_MINUTES") * 60_000,
    reconcileAt: hm ? { hour: Number(hm[1]), minute: Number(hm[2]) } : undefined,
  };
}

/** A token short enough to guess is refused: it guards the buyers' orders. */
function token(r: SettingsReader, name: SettingVariable): string | undefined {
  const v = r.text(name);
  if (v !== undefined && v.length < 16) r.problem(name, "at least 16 characters (a random one: openssl rand -hex 24)");
  return v;
}

/** `<host>:<port>`, an IPv6 host in brackets; the port in decimal digits, 0 for any free one. */
function hostPort(r: SettingsReader, name: SettingVariable): { host: string; port: number } | undefined {
  const v = r.text(name);
  if (v === undefined) return undefined;
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/.exec(v);
  const port = Number(m?.[3]);
  if (!m || port > 65535) {
    r.problem(name, "<host>:<port> (e.g. 127.0.0.1:9464, [::1]:9464)");
    return undefined;
  }
  return { host: m[1] ?? m[2]!, port };
}

/** A Prometheus label value of at most 64 printable ASCII characters. */
function label(r: SettingsReader, name: SettingVariable): string | undefined {
  const v = r.text(name);
  if (v !== undefined && !/^[\x21-\x7e]{1,64}$/.test(v)) {
    r.problem(name, "1 to 64 printable characters without spaces");
    return undefined;
  }
  return v;
}

/** The next time (ms) at `at` UTC strictly after `nowMs`. */
export function nextDailyRun(at: { hour: number; minute: number }, nowMs: number): number {
  const d = new Date(nowMs);
  const t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), at.hour, at.minute);
  return t > nowMs ? t : t + 86_400_000;
}
