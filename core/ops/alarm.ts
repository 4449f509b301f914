/**
 * The delisting-risk alarm. KooGallery e-mails a merchant about failed calls, resends for hours and
 * delists products whose interface fails often (docs/marketplace/saas.md §1, docs/marketplace/license.md §2.2); this
 * tells the merchant first. Per product it raises:
 *
 *   failure-share         the share of signed calls answered with a failure code (the deadline's
 *                         000005 included) over a sliding window crossed the threshold
 *   parked-job            an outbox job is parked as failed
 *   provisioning-overdue  an instance is still provisioning past the deadline
 *   order-unprovisioned   a notified order line has no instance for its order past the deadline
 *
 * Each raised condition posts one JSON alert to the webhook; it is not posted again until it clears.
 * Calls refused for their signature are left out of the share: anyone on the internet can send those
 * (they are counted by `koogate_refusals_total`). The share is read from the event log at each check
 * (core/store/call-shares.ts), so with several processes on one database each sees every process's
 * calls, not only its own (issue 20, "several processes seen as one").
 */
import { describeError } from "../errors.js";
import type { Logger } from "../logger.js";
import { shareOf, type CallShare } from "../store/call-shares.js";
import type { AlertFormat } from "../settings/ops.js";
import { PROVISIONING_DEADLINE_MS } from "../settings/timings.js";

export const ALARM_CONDITIONS = ["failure-share", "parked-job", "provisioning-overdue", "order-unprovisioned"] as const;
export type AlarmCondition = (typeof ALARM_CONDITIONS)[number];

/** One raised condition, as posted and as the operator page shows it. */
export interface Alert {
  product: string;
  condition: AlarmCondition;
  /** the figure that raised it: a share (0–1) or a count */
  figure: number;
  /** the threshold it crossed */
  threshold: number;
  /** one sentence for a person */
  text: string;
  /** where to look on the operator page */
  look: string;
  /** ms */
  at: number;
}

/**
 * Where raised conditions are kept: in memory for one process (the default), or in the database
 * (core/store/alarms.ts) so that every process on it raises and posts each condition once.
 */
export interface RaisedAlarms {
  /** marks `a` raised; true when it was not already (the caller then posts it) */
  claim(a: Alert): Promise<boolean>;
  /** forgets `a` (its post failed: the next check tries again) */
  release(a: Pick<Alert, "product" | "condition">): Promise<void>;
  /**
   * Forgets every condition raised at or before `before` (ms) that is not in `still`; resolves with those it
   * forgot. One raised since is left alone: another process may have seen calls this check's read
   * had not (it is cleared at the next check if it no longer holds).
   */
  clearExcept(still: ReadonlyArray<Pick<Alert, "product" | "condition">>, before: number): Promise<Alert[]>;
  /** the raised conditions, oldest first */
  list(): Promise<Alert[]>;
}

/** One process's raised conditions, in memory. */
export class MemoryAlarms implements RaisedAlarms {
  private readonly raised = new Map<string, Alert>();
  async claim(a: Alert): Promise<boolean> {
    if (this.raised.has(keyOf(a))) return false;
    this.raised.set(keyOf(a), a);
    return true;
  }
  async release(a: Pick<Alert, "product" | "condition">): Promise<void> {
    this.raised.delete(keyOf(a));
  }
  async clearExcept(still: ReadonlyArray<Pick<Alert, "product" | "condition">>, before: number): Promise<Alert[]> {
    const keep = new Set(still.map(keyOf));
    const cleared = [...this.raised.values()].filter((a) => a.at <= before && !keep.has(keyOf(a)));
    for (const a of cleared) this.raised.delete(keyOf(a));
    return cleared;
  }
  async list(): Promise<Alert[]> {
    return [...this.raised.values()];
  }
}

export interface AlarmOptions {
  /** where raised conditions are kept; default in this process's memory */
  raised?: RaisedAlarms;
  /** where alerts are POSTed; none → raised conditions are logged and shown only */
  webhookUrl?: string;
  /** default generic */
  format?: AlertFormat;
  /** default 1 h */
  windowMs?: number;
  /** failure share (0–1) that raises the alarm; default 0.05 */
  threshold?: number;
  /** calls in the window before the share counts; default 20 */
  minCalls?: number;
  /** how often the conditions are evaluated; default 30 s */
  checkMs?: number;
  /** an instance provisioning longer than this is overdue; default 1 h */
  provisioningDeadlineMs?: number;
  /** per product, its signed calls and their failures since `since` (ms), as every process stored them */
  callShares: (since: number) => Promise<ReadonlyMap<string, CallShare>>;
  /** parked jobs per product */
  parkedJobs: () => Promise<ReadonlyMap<string, number>>;
  /** per product, instances still provisioning created before `before` (ms) */
  provisioningBefore: (before: number) => Promise<ReadonlyMap<string, number>>;
  /** per product, notified order lines stored before `before` (ms) with no instance for their order; default none */
  unprovisionedOrdersBefore?: (before: number) => Promise<ReadonlyMap<string, number>>;
  logger: Logger;
  /** default Date.now */
  now?: () => number;
}

export class Alarm {
  private readonly raised: RaisedAlarms;
  /** what the last check found, posted or not */
  private found: Alert[] = [];
  private timer?: NodeJS.Timeout;
  private checking?: Promise<void>;
  private readonly now: () => number;

  constructor(private readonly o: AlarmOptions) {
    this.now = o.now ?? Date.now;
    this.raised = o.raised ?? new MemoryAlarms();
  }

  /** What the last check found, whether or not its alert could be posted (the metrics' gauge). */
  standing(): readonly Alert[] {
    return this.found;
  }

  /** The conditions raised now (by any process sharing the store), oldest first. */
  active(): Promise<Alert[]> {
    return this.raised.list();
  }

  /** Evaluates the conditions every `checkMs`. */
  start(): void {
    this.timer = setInterval(() => void this.check(), this.o.checkMs ?? 30_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.checking;
  }

  /** Evaluates every condition once; posts an alert for each newly raised one. */
  check(): Promise<void> {
    return (this.checking ??= this.evaluate()
      .catch((e: unknown) => this.o.logger.warn("alarm check failed; will try again", { error: describeError(e) }))
      .finally(() => (this.checking = undefined)));
  }

  private async evaluate(): Promise<void> {
    const now = this.now();
    const deadline = this.o.provisioningDeadlineMs ?? PROVISIONING_DEADLINE_MS;
    const windowMs = this.o.windowMs ?? 3_600_000;
    const [shares, parked, overdue, unprovisioned] = await Promise.all([
      this.o.callShares(now - windowMs),
      this.o.parkedJobs(),
      this.o.provisioningBefore(now - deadline),
      this.o.unprovisionedOrdersBefore?.(now - deadline) ?? new Map<string, number>(),
    ]);
    const found: Alert[] = [];
    const threshold = this.o.threshold ?? 0.05;
    const minutes = Math.round(windowMs / 60_000);
    for (const [product, calls] of shares) {
      const f = { ...calls, share: shareOf(calls) };
      if (f.calls >= (this.o.minCalls ?? 20) && f.share > threshold) {
        const pct = (x: number) => `${Math.round(x * 1000) / 10} %`;
        found.push({
          product,
          condition: "failure-share",
          figure: f.share,
          threshold,
          text: `${pct(f.share)} of the marketplace's calls to ${product} failed in the last ${minutes} min (${f.failures} of ${f.calls}; threshold ${pct(threshold)}): KooGallery delists products whose interface fails often`,
          look: `/ops/calls?product=${encodeURIComponent(product)}&verdict=failed`,
          at: now,
        });
      }
    }
    for (const [product, n] of parked) {
      found.push({ product, condition: "parked-job", figure: n, threshold: 0, text: `${n} outbox job(s) of ${product} parked as failed: the work they carry was not done`, look: "/ops/jobs", at: now });
    }
    for (const [product, n] of overdue) {
      const text = `${n} instance(s) of ${product} still provisioning after ${Math.round(deadline / 60_000)} min: paid orders without a working instance`;
      found.push({ product, condition: "provisioning-overdue", figure: n, threshold: deadline, text, look: "/ops/jobs", at: now });
    }
    for (const [product, n] of unprovisioned) {
      const text = `${n} order line(s) of ${product} notified more than ${Math.round(deadline / 60_000)} min ago have no instance: paid orders koogate never provisioned`;
      found.push({ product, condition: "order-unprovisioned", figure: n, threshold: deadline, text, look: "/ops/reconciliation", at: now });
    }
    this.found = found;
    for (const a of await this.raised.clearExcept(found, now)) this.o.logger.info("alarm cleared", { product: a.product, condition: a.condition });
    for (const f of found) {
      // raised when claimed: a check of another process that read before this claim leaves it alone
      const a = { ...f, at: this.now() };
      // the claim is the raise: a condition another process (or an earlier check) raised is not posted again
      if (!(await this.raised.claim(a))) continue;
      // a post that failed is released, so the next check (of any process) tries again
      if (!(await this.post(a))) await this.raised.release(a);
    }
  }

  private async post(a: Alert): Promise<boolean> {
    this.o.logger.error("delisting-risk alarm", { product: a.product, condition: a.condition, figure: a.figure, text: a.text });
    if (!this.o.webhookUrl) return true;
    try {
      const res = await fetch(this.o.webhookUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(alertBody(a, this.o.format ?? "generic")),
        signal: AbortSignal.timeout(5000),
      });
      await res.arrayBuffer();
      if (res.ok) return true;
      this.o.logger.warn("alert webhook refused the alert; will try again", { status: res.status });
    } catch (e) {
      this.o.logger.warn("alert webhook cannot be reached; will try again", { error: describeError(e) });
    }
    return false;
  }
}

function keyOf(a: Pick<Alert, "product" | "condition">): string {
  return `${a.product}\u0000${a.condition}`;
}

/**
 * The JSON posted: koogate's own fields (generic), or the text message an incoming webhook of Slack
 * (`text`), Feishu (`msg_type` + `content.text`) or DingTalk (`msgtype` + `text.content`) accepts.
 */
export function alertBody(a: Alert, format: AlertFormat): Record<string, unknown> {
  const text = `[koogate] ${a.product} · ${a.condition}: ${a.text}. Look at ${a.look}`;
  switch (format) {
    case "slack":
      return { text };
    case "feishu":
      return { msg_type: "text", content: { text } };
    case "dingtalk":
      return { msgtype: "text", text: { content: text } };
    default:
      return { source: "koogate", product: a.product, condition: a.condition, figure: a.figure, threshold: a.threshold, text: a.text, look: a.look, at: new Date(a.at).toISOString() };
  }
}
