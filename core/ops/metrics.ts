/**
 * koogate's Prometheus metrics: the calls served and refused, the outbox, the marketplace calls made
 * and the usage records waiting, beside Node's process metrics. Each instance owns its registry, so
 * several servers in one process (the tests) keep separate figures. No database code: the figures
 * that live in tables come from functions the composition root hands over, read at most once every
 * `figuresMaxAgeMs` however often Prometheus (or anyone holding the token) scrapes (issue 24, finding
 * 13: a scrape flood cost two statements per scrape). Every sample carries a `process` label naming the
 * process, because Prometheus scrapes each process of a deployment apart (issue 20).
 */
import { hostname } from "node:os";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { OVERSIZE, REPLAYED, UNVERIFIED } from "../serving/refusal-sampler.js";
import { SIGNATURE_PROBLEMS } from "../signing/signature-error.js";
import { KINDS } from "../kinds/index.js";
import { activities, kindRefusalReasons, resultCodes } from "../kinds/registry.js";
import { VERDICTS } from "../vocabulary.js";

/** The label value of anything outside an allow-list. */
export const OTHER = "other";

/** Longest label value kept; longer ones are cut, so no caller can make a series of a megabyte. */
export const MAX_LABEL_LENGTH = 64;

/**
 * Buckets of `koogate_call_duration_seconds`: fine below 100 ms where calls normally finish, then up to
 * the 4.5-s safety net and the marketplace's 5-s deadline (docs/marketplace/saas.md §3), so a call close to a timeout
 * shows up as one.
 */
export const CALL_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 4.5, 5];

export interface MetricsOptions {
  /** ids of the products served; a call to any other product id is counted as "other" */
  products: readonly string[];
  /** activities counted by name; default every activity of every registered kind and the core's (core/kinds/registry.ts) */
  activities?: readonly string[];
  /**
   * refusal reasons counted by name; default the signature problems (`stale`, `bad-signature`, …), a
   * replayed nonce, an oversize body, a refused unverified call and every registered kind's own reasons
   */
  reasons?: readonly string[];
  /** the `process` label of every sample; default `<hostname>-<pid>` (`defaultProcessName()`) */
  processName?: string;
  /**
   * how old the figures read from tables may be when a scrape shows them; an older one is shown and
   * read again in the background (one read at a time). Default FIGURES_MAX_AGE_MS.
   */
  figuresMaxAgeMs?: number;
  /** default performance.now */
  now?: () => number;
}

/** Figures read from tables are read again at most this often: a scrape every 15 s sees fresh ones. */
export const FIGURES_MAX_AGE_MS = 5000;

/** The `process` label unless told: the host and the process id, unique among a deployment's processes. */
export function defaultProcessName(): string {
  return `${hostname()}-${process.pid}`;
}

/** One served call, as `observeCall` counts it. */
export interface CallObservation {
  product: string;
  activity: string;
  verdict: string;
  resultCode: string;
  /** from the first byte read to the answer sent */
  seconds: number;
}

/** The outbox as it stands, read from its table at each scrape. */
export interface OutboxFigures {
  /** how many jobs there are of each type in each state */
  jobs: ReadonlyArray<{ type: string; state: string; count: number }>;
  /** age of the oldest pending job; 0 when none is pending */
  oldestPendingSeconds: number;
}

/** A function read at most once every `figuresMaxAgeMs`; it may query a database. */
export type FigureSource<T> = () => T | Promise<T>;

export class Metrics {
  /** this instance's registry; `text()` exposes it */
  readonly registry = new Registry();
  private readonly allowed: { product: Set<string>; activity: Set<string>; reason: Set<string>; resultCode: Set<string> };
  private readonly calls: Counter<"product" | "activity" | "verdict" | "result_code">;
  private readonly callSeconds: Histogram<"product" | "activity">;
  private readonly refusals: Counter<"product" | "reason">;
  private readonly marketplaceCalls: Counter<"api" | "family">;
  private readonly sourceErrors: Counter<"source">;
  private readonly outbox: CachedFigure<OutboxFigures>;
  private readonly usage: CachedFigure<number>;
  /** the first reads under way (a scrape waits for those), for the error counter to wait for */
  private readonly reads = new Set<Promise<unknown>>();

  constructor(opts: MetricsOptions) {
    this.allowed = {
      product: new Set(opts.products),
      activity: new Set(opts.activities ?? activities(KINDS)),
      reason: new Set(opts.reasons ?? [...SIGNATURE_PROBLEMS, REPLAYED, OVERSIZE, UNVERIFIED, ...kindRefusalReasons(KINDS)]),
      resultCode: new Set(resultCodes(KINDS)),
    };
    const figure = <T>(name: string) =>
      new CachedFigure<T>({ maxAgeMs: opts.figuresMaxAgeMs ?? FIGURES_MAX_AGE_MS, now: opts.now ?? (() => performance.now()), failed: () => this.sourceErrors.inc({ source: name }), waited: this.reads });
    this.outbox = figure<OutboxFigures>("outbox");
    this.usage = figure<number>("usage");
    const registers = [this.registry];
    this.registry.setDefaultLabels({ process: cut(opts.processName ?? defaultProcessName()) });
    collectDefaultMetrics({ register: this.registry });
    this.calls = new Counter({
      name: "koogate_calls_total",
      help: "Calls served, by product, activity, verdict and result code",
      labelNames: ["product", "activity", "verdict", "result_code"],
      registers,
    });
    this.callSeconds = new Histogram({
      name: "koogate_call_duration_seconds",
      help: "Time from request to answer of the calls served",
      labelNames: ["product", "activity"],
      buckets: CALL_DURATION_BUCKETS,
      registers,
    });
    this.refusals = new Counter({
      name: "koogate_refusals_total",
      help: "Calls refused before any work, by product and reason",
      labelNames: ["product", "reason"],
      registers,
    });
    this.marketplaceCalls = new Counter({
      name: "koogate_marketplace_calls_total",
      help: "Calls koogate made to the marketplace's APIs",
      labelNames: ["api", "family"],
      registers,
    });
    this.outboxGauges(registers);
    this.usageGauge(registers);
    this.sourceErrors = new Counter({
      name: "koogate_metrics_source_errors_total",
      help: "Reads of a figure from its table that failed (its gauge is left without a sample until one succeeds)",
      labelNames: ["source"],
      registers,
      // registered last, so the registry asks for it after the gauges started their reads: waiting for
      // them puts a failure of this scrape into this scrape's count rather than the next one's
      collect: () => Promise.allSettled(this.reads).then(() => undefined),
    });
  }

  /** Counts one served call and its duration. */
  observeCall(c: CallObservation): void {
    const product = this.bounded(c.product, "product");
    const activity = this.bounded(c.activity, "activity");
    this.calls.inc({ product, activity, verdict: oneOf(c.verdict, VERDICTS), result_code: this.bounded(c.resultCode, "resultCode") });
    this.callSeconds.observe({ product, activity }, c.seconds);
  }

  /** Counts one call refused before any work (a bad signature, a stale timestamp, …). */
  refused(product: string, reason: string): void {
    this.refusals.inc({ product: this.bounded(product, "product"), reason: this.bounded(reason, "reason") });
  }

  /** Counts one call koogate made to a marketplace API; both names are koogate's own, only cut to length. */
  marketplaceCall(api: string, family: string): void {
    this.marketplaceCalls.inc({ api: cut(api), family: cut(family) });
  }

  /** Where `koogate_outbox_jobs` and `koogate_outbox_oldest_pending_seconds` are read from. */
  setOutboxSource(fn: FigureSource<OutboxFigures>): void {
    this.outbox.source = fn;
  }

  /** Where `koogate_usage_records_pending` is read from. */
  setUsagePendingSource(fn: FigureSource<number>): void {
    this.usage.source = fn;
  }

  /** Reads every figure from its table now (the next scrape shows them); resolves once read. */
  async refreshFigures(): Promise<void> {
    await Promise.all([this.outbox.refresh(), this.usage.refresh()]);
  }

  /** The exposition text of every metric, for `GET /metrics`. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** The Content-Type of `text()`. */
  get contentType(): string {
    return this.registry.contentType;
  }

  private bounded(value: string, label: keyof Metrics["allowed"]): string {
    const v = cut(value);
    return this.allowed[label].has(v) ? v : OTHER;
  }

  private outboxGauges(registers: Registry[]): void {
    const jobs: Gauge<"type" | "state"> = new Gauge({
      name: "koogate_outbox_jobs",
      help: "Outbox jobs, by type and state",
      labelNames: ["type", "state"],
      registers,
      collect: async () => {
        const figures = await this.outbox.get();
        // reset first: a type or state that has no job any more must not keep its last count
        jobs.reset();
        for (const j of figures?.jobs ?? []) jobs.set({ type: cut(j.type), state: cut(j.state) }, j.count);
      },
    });
    const oldest: Gauge = new Gauge({
      name: "koogate_outbox_oldest_pending_seconds",
      help: "Age of the oldest pending outbox job; 0 when none is pending",
      registers,
      collect: async () => {
        const figures = await this.outbox.get();
        if (figures) oldest.set(figures.oldestPendingSeconds);
        else noSample(oldest);
      },
    });
  }

  private usageGauge(registers: Registry[]): void {
    const pending: Gauge = new Gauge({
      name: "koogate_usage_records_pending",
      help: "Usage records not yet reported to the marketplace",
      registers,
      collect: async () => {
        const n = await this.usage.get();
        if (n !== undefined) pending.set(n);
        else noSample(pending);
      },
    });
  }
}

/**
 * A figure read from a table, kept between scrapes: a scrape shows the last value read and, when it is
 * older than `maxAgeMs`, starts one read in the background for the next scrape; only the first scrape
 * waits for a read. A failed read leaves no value (no sample) and is counted.
 */
class CachedFigure<T> {
  source?: FigureSource<T>;
  private value?: T;
  private readAt?: number;
  private reading?: Promise<void>;

  constructor(private readonly o: { maxAgeMs: number; now: () => number; failed: () => void; waited: Set<Promise<unknown>> }) {}

  async get(): Promise<T | undefined> {
    if (!this.source) return undefined;
    if (this.readAt === undefined) {
      const first = this.refresh();
      this.o.waited.add(first);
      await first.finally(() => this.o.waited.delete(first));
    } else if (this.o.now() - this.readAt >= this.o.maxAgeMs) void this.refresh();
    return this.value;
  }

  /** Reads the figure now, or joins the read under way. */
  refresh(): Promise<void> {
    const source = this.source;
    if (!source) return Promise.resolve();
    return (this.reading ??= (async () => {
      try {
        this.value = await source();
      } catch {
        this.value = undefined;
        this.o.failed();
      } finally {
        this.readAt = this.o.now();
        this.reading = undefined;
      }
    })());
  }
}


/**
 * Leaves a gauge without labels out of the scrape. `reset()` would print it as 0, and an outbox that
 * could not be read is not an empty one.
 */
function noSample(gauge: Gauge): void {
  gauge.remove();
}

function cut(value: string): string {
  return String(value).slice(0, MAX_LABEL_LENGTH);
}

function oneOf(value: string, allowed: readonly string[]): string {
  return allowed.includes(value) ? value : OTHER;
}
