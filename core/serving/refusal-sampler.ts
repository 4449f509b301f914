/**
 * Refusals cost O(1) storage. A call refused before its signature verified (a bad or missing signature,
 * a timestamp outside the window, a replayed nonce, no query string, an oversize body) is anyone's to
 * send: were each one an event row and a log line, whoever knows a product id could fill the disk.
 * Each one is counted (per product and reason, in memory); only the first `KOOGATE_REFUSAL_SAMPLE` per
 * product per minute get their event row and log line, and when the minute closes the rest become one
 * summary row and one log line per reason ("and M more"). Like Stripe's or Standard Webhooks'
 * receivers: a refusal is cheap, and what it costs is bounded whatever the rate.
 *
 * The sample counter never touches the database; a summary row is written off the request path.
 */
import { inject, injectable } from "tsyringe";
import { describeError } from "../errors.js";
import { EventLog } from "../store/events.js";
import { CONFIG, LOGGER, type Config, type Logger } from "../tokens.js";

/** The window a sample is counted over: the first N refusals of each product in it are written. */
export const REFUSAL_WINDOW_MS = 60_000;

/** Why a call was refused before it was authenticated: a `SignatureError` reason, or one of these. */
export type RefusalReason = string;
/** a validly signed request whose nonce was already claimed */
export const REPLAYED = "replayed";
/** a body over `KOOGATE_MAX_BODY_BYTES`, refused before it was read */
export const OVERSIZE = "oversize";
/** a verifier refused the request with a CallError of its own */
export const UNVERIFIED = "unverified";

/** One refused call, as the pipeline hands it over. */
export interface Refusal {
  product: string;
  reason: RefusalReason;
  /** the result code answered */
  resultCode: string;
  /** the exact answer sent (a summary row stores the first suppressed one of its reason) */
  response: string;
  /** when it arrived (ms) */
  at: number;
}

/** How many calls of `product` were refused for `reason` since the server started. */
export interface RefusalCount {
  product: string;
  reason: RefusalReason;
  count: number;
}

/** What a minute's summary of one reason says: how many refusals were only counted. */
export interface RefusalSummary {
  product: string;
  reason: RefusalReason;
  count: number;
  /** when the minute began (ms) */
  from: number;
  /** the first suppressed refusal of the reason */
  first: Refusal;
}

/** Writes a summary row where the product keeps its refusals; the default is an event row. */
export type SummaryWriter = (s: RefusalSummary) => Promise<void>;

interface Suppressed {
  count: number;
  first: Refusal;
  write?: SummaryWriter;
}

interface Window {
  start: number;
  admitted: number;
  /** refusals past the sample, by reason: at most one entry per reason */
  suppressed: Map<RefusalReason, Suppressed>;
}

@injectable()
export class RefusalSampler {
  private readonly totals = new Map<string, number>();
  private readonly windows = new Map<string, Window>();
  private readonly listeners = new Set<(product: string, reason: RefusalReason) => void>();
  private readonly sample: number;

  constructor(
    private readonly events: EventLog,
    @inject(CONFIG) config: Config,
    @inject(LOGGER) private readonly logger: Logger,
  ) {
    this.sample = config.refusalSample;
  }

  /**
   * Counts one refusal. @returns true when it belongs to the sample: the caller then writes its event
   * row and log line; false when it was only counted (its minute's summary will say so).
   * @param write where the minute's summary of its reason goes (an API listing's call log); default an event row
   */
  admit(r: Refusal, write?: SummaryWriter): boolean {
    const key = JSON.stringify([r.product, r.reason]);
    this.totals.set(key, (this.totals.get(key) ?? 0) + 1);
    for (const fn of this.listeners) fn(r.product, r.reason);
    let w = this.windows.get(r.product);
    if (w && r.at - w.start >= REFUSAL_WINDOW_MS) {
      void this.close(r.product, w);
      w = undefined;
    }
    if (!w) {
      w = { start: r.at, admitted: 0, suppressed: new Map() };
      this.windows.set(r.product, w);
    }
    if (w.admitted < this.sample) {
      w.admitted++;
      return true;
    }
    const s = w.suppressed.get(r.reason);
    if (s) s.count++;
    else w.suppressed.set(r.reason, { count: 1, first: r, write });
    return false;
  }

  /** Every count since the server started (for `Metrics.refused` or an operator's look). */
  counts(): RefusalCount[] {
    return [...this.totals].map(([key, count]) => {
      const [product, reason] = JSON.parse(key) as [string, string];
      return { product, reason, count };
    });
  }

  /** Calls `fn` for every refusal, sampled or not; @returns a function that stops it. */
  onRefusal(fn: (product: string, reason: RefusalReason) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Writes the summary of every window closed by `nowMs` (of every window with `all`, at shutdown).
   * Run from the kernel's timer, so that a flood that stopped still gets its summary.
   */
  async flush(nowMs: number, all = false): Promise<void> {
    const closing = [...this.windows].filter(([, w]) => all || nowMs - w.start >= REFUSAL_WINDOW_MS);
    await Promise.all(closing.map(([product, w]) => this.close(product, w)));
  }

  private async close(product: string, w: Window): Promise<void> {
    if (this.windows.get(product) === w) this.windows.delete(product);
    const from = new Date(w.start).toISOString();
    for (const [reason, s] of w.suppressed) {
      const detail = `and ${s.count} more calls refused (${reason}) in the minute from ${from}: counted, not stored one by one`;
      this.logger.warn("calls refused, not logged one by one", { product, reason, count: s.count, from });
      try {
        if (s.write) await s.write({ product, reason, count: s.count, from: w.start, first: s.first });
        else
          await this.events.append({
            at: w.start,
            requestId: null,
            productId: product,
            activity: "",
            verdict: "rejected",
            resultCode: s.first.resultCode,
            response: s.first.response,
            durationMs: 0,
            test: false,
            detail,
          });
      } catch (e) {
        this.logger.error("could not store a refusal summary", { product, reason, count: s.count, error: describeError(e) });
      }
    }
  }
}
