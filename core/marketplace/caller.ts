/**
 * How one open-API call is made: signed afresh for each request, sent to the first host and to the
 * fallback host when the first cannot be reached, retried with backoff and jitter when the failure is
 * worth another try, and logged without a key, a secret or a signature.
 */
import { SetupError } from "../errors.js";
import type { Logger } from "../logger.js";
import { signApigRequest } from "../signing/apig.js";
import { signUsagePushRequest } from "../signing/usage-push.js";
import { ANSWER_TOO_LARGE, classifyAnswer, type JsonObject, type MarketplaceFailure } from "./answers.js";
import { send, type WireOutcome } from "./transport.js";

export interface CallerSettings {
  baseUrl: string;
  fallbackUrl: string | null;
  ak?: string;
  sk?: string;
  logger: Logger;
  timeoutMs: number;
  maxAnswerBytes: number;
  retries: number;
  backoffMs: number;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  onCall?: (api: string, family: string) => void;
}

export interface OpenApiCall {
  /** a short name for log lines, e.g. `order.query` */
  api: string;
  method: "GET" | "POST";
  /** the path below the base URL, e.g. `/api/mkp-openapi-public/global/v1/order/query` */
  path: string;
  query?: Readonly<Record<string, string | undefined>>;
  body?: Buffer;
  /** default `application/json` */
  contentType?: string;
  /** AK/SK signing, or the usage push's own signature with the listing's basic key */
  auth: { scheme: "aksk" } | { scheme: "usage-push"; key: string };
}

/** Per call. */
export interface CallOptions {
  /**
   * The whole call — every attempt, the fallback host and the waits between — ends within this many
   * ms: each attempt's timeout is cut to what is left, and a retry is made only while a useful attempt
   * still fits. For a call on a caller's path, inside that caller's deadline. Default: none (the
   * client's timeout per attempt and its retries).
   */
  budgetMs?: number;
}

/** A retry is made only when at least this much of the budget is left after the wait before it. */
const LEAST_ATTEMPT_MS = 250;

export type CallOutcome = { ok: true; code: string; status: number; body: JsonObject; attempts: number } | MarketplaceFailure;

export class OpenApiCaller {
  constructor(private readonly s: CallerSettings) {}

  async call(c: OpenApiCall, opts: CallOptions = {}): Promise<CallOutcome> {
    if (c.auth.scheme === "aksk" && (!this.s.ak || !this.s.sk)) {
      throw new SetupError(
        "calling the marketplace's open APIs needs the seller account's access keys: set KOOGATE_MARKETPLACE_AK and KOOGATE_MARKETPLACE_SK (Seller Console › My Credentials › Access Keys)",
      );
    }
    const started = performance.now();
    const deadline = opts.budgetMs === undefined ? Infinity : started + opts.budgetMs;
    for (let attempt = 1; ; attempt++) {
      const { outcome, host } = await this.sendToHosts(c, deadline);
      const answer =
        outcome.kind === "answer"
          ? classifyAnswer(outcome.status, outcome.bytes)
          : outcome.kind === "oversize"
            ? oversize(outcome.status, this.s.maxAnswerBytes)
            : { ok: false as const, family: "network" as const, code: outcome.code, message: networkMessage(outcome.code), kind: "unavailable" as const, status: 0 };
      const retryable = !answer.ok && attempt <= this.s.retries && (answer.family === "network" || answer.status >= 500 || answer.status === 429 || answer.kind === "rate-limited");
      const wait = retryable ? this.backoff(attempt) : 0;
      // a retry that could not finish inside the budget is not made: the caller is answered now
      const retry = retryable && performance.now() + wait + LEAST_ATTEMPT_MS <= deadline;
      const fields = { api: c.api, host, attempt, status: answer.status, code: answer.ok ? answer.code : answer.code };
      if (!retry) {
        const ms = Math.round(performance.now() - started);
        if (answer.ok) this.s.logger.info("marketplace call", { ...fields, ms });
        else this.s.logger.warn("marketplace call failed", { ...fields, ms, kind: answer.kind, family: answer.family });
        this.s.onCall?.(c.api, answer.ok ? "success" : answer.family);
        return { ...answer, attempts: attempt };
      }
      this.s.logger.warn("marketplace call failed, retrying", { ...fields, kind: answer.kind, waitMs: wait });
      await this.s.sleep(wait);
    }
  }

  /** Exponential backoff with full jitter on top: base·2^(n-1) plus up to as much again at random. */
  private backoff(attempt: number): number {
    const base = this.s.backoffMs * 2 ** (attempt - 1);
    return Math.round(base + base * this.s.random());
  }

  /** The first host; the fallback host only when no connection to the first could be made. */
  private async sendToHosts(c: OpenApiCall, deadline: number): Promise<{ outcome: WireOutcome; host: string }> {
    const first = await this.sendTo(this.s.baseUrl, c, deadline);
    const left = deadline - performance.now();
    if (first.kind !== "network" || !first.unreachable || this.s.fallbackUrl === null || left < LEAST_ATTEMPT_MS) return { outcome: first, host: hostOf(this.s.baseUrl) };
    this.s.logger.warn("marketplace host cannot be reached, trying the fallback host", {
      host: hostOf(this.s.baseUrl),
      fallback: hostOf(this.s.fallbackUrl),
      code: first.code,
    });
    return { outcome: await this.sendTo(this.s.fallbackUrl, c, deadline), host: hostOf(this.s.fallbackUrl) };
  }

  private sendTo(base: string, c: OpenApiCall, deadline: number): Promise<WireOutcome> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(c.query ?? {})) if (v !== undefined) q.set(k, v);
    const url = base + c.path + (q.size > 0 ? `?${q}` : "");
    const body = c.body ?? Buffer.alloc(0);
    const headers: Record<string, string> = { "Content-Type": c.contentType ?? "application/json" };
    if (c.auth.scheme === "aksk") {
      Object.assign(headers, signApigRequest({ method: c.method, url, headers, body, ak: this.s.ak!, sk: this.s.sk!, date: this.s.now() }));
    } else {
      // a fresh ts and nonce per request: a resend is a new request to the marketplace's replay check,
      // and metering_sn keeps it from counting twice
      const signed = signUsagePushRequest({ key: c.auth.key, body: body.toString("utf8"), ts: String(this.s.now().getTime()) });
      Object.assign(headers, signed);
    }
    // the attempt's timeout, cut to what is left of the call's budget (at least 1 ms: an attempt is always made)
    const timeoutMs = Math.max(1, Math.min(this.s.timeoutMs, Math.floor(deadline - performance.now())));
    return send({ method: c.method, url, headers, body: c.method === "POST" ? body : undefined, timeoutMs, maxAnswerBytes: this.s.maxAnswerBytes });
  }
}

/**
 * An answer too large to read: a failure of its own (`ANSWER_TOO_LARGE`, kind `invalid`), never retried
 * here — the same request would bring the same answer — and permanent for an outbox job (`isPermanent`).
 */
function oversize(status: number, limit: number): Omit<MarketplaceFailure, "attempts"> {
  return { ok: false, family: "http", code: ANSWER_TOO_LARGE, message: `answer larger than ${limit} bytes (KOOGATE_MARKETPLACE_MAX_ANSWER_BYTES): cut, not read further`, kind: "invalid", status };
}

function hostOf(url: string): string {
  return new URL(url).host;
}

function networkMessage(code: string): string {
  if (code === "TIMEOUT") return "no answer in time after connecting";
  if (code === "ETIMEDOUT") return "could not connect in time";
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host name not resolved";
  return `network error ${code}`;
}
