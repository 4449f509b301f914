/**
 * Serves an API listing's calls at `/api/<id>/…` (any method, any sub-path): the request target checked
 * (./target.ts) and the gateway's authentication (./gateway-auth.ts), an APIG signature claimed once
 * (a replay is refused), before anything else runs; then the per-buyer limit, then the adapter or the
 * upstream (./proxy.ts) answers. Every authenticated call is logged (./call-log.ts); refusals before
 * authentication are sampled like the production path's (core/serving/refusal-sampler.ts), so a flood
 * of them costs bounded rows and log lines. The usage of token-billed answers is checked (./usage.ts).
 */
import { Readable } from "node:stream";
import { inject, injectable } from "tsyringe";
import type { Served } from "../kind.js";
import { jsonError, type HttpAnswer, type HttpCall } from "../../serving/http.js";
import type { CallObserver } from "../../ops/observer.js";
import { OVERSIZE, RefusalSampler, type RefusalReason, type RefusalSummary } from "../../serving/refusal-sampler.js";
import { NonceStore } from "../../store/nonces.js";
import { CALL_OBSERVER, CLOCK, DATABASE, LOGGER, type Clock, type Knex, type Logger } from "../../tokens.js";
import type { ApiAdapter, ApiReply } from "./adapter.js";
import { CallLog, type CallRecord } from "./call-log.js";
import { credentialHeader, needsBody, replayed, verifyGatewayCall, type BuyerIdentity } from "./gateway-auth.js";
import type { ApiProduct } from "./product.js";
import { ByteCount, UpstreamProxy, USAGE_CHECK_BYTES } from "./proxy.js";
import { BuyerLimits } from "./rate-limit.js";
import { CallAdmission } from "./admission.js";
import { requestTarget, TARGET_ERRORS } from "./target.js";
import { isJsonAnswer, usageProblem } from "./usage.js";
import type { CallOutcome } from "./vocabulary.js";

type ApiServed = Served<ApiProduct, ApiAdapter | undefined>;

/** Everything a call's log row needs besides what happened. */
interface CallStart {
  product: ApiProduct;
  at: number;
  t0: number;
  method: string;
  buyer: BuyerIdentity;
}

const PURGE_EVERY_MS = 60_000;

@injectable()
export class ApiService {
  readonly log: CallLog;
  private readonly proxies = new Map<string, UpstreamProxy>();
  private readonly limits: BuyerLimits;
  private readonly admission: CallAdmission;
  private purgeTimer?: NodeJS.Timeout;
  /** listings already warned that their signatures cover no per-call id */
  private readonly unclaimable = new Set<string>();
  /** answers that would be billed as zero, per product, since the start (also in the call log's `note`) */
  readonly zeroUsage = new Map<string, number>();

  constructor(
    @inject(DATABASE) db: Knex,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(CLOCK) private readonly clock: Clock,
    nonces: NonceStore,
    private readonly refusals: RefusalSampler,
    @inject(CALL_OBSERVER) private readonly observer: CallObserver,
  ) {
    this.log = new CallLog(db, logger);
    this.limits = new BuyerLimits(db);
    this.admission = new CallAdmission(nonces, this.limits);
  }

  /** Purges each listing's call log to its retention, and its idle limit counters, now and every minute. */
  startPurging(products: () => readonly ApiProduct[]): void {
    const purge = async () => {
      for (const p of products()) {
        await this.log.purge(p.id, p.callLog, this.clock.now());
        await this.limits.purge(p.id, p.rateLimit?.perSeconds, this.clock.now());
      }
    };
    const run = () => void purge().catch((e: Error) => this.logger.warn("API call log purge failed", { error: e.message }));
    run();
    this.purgeTimer = setInterval(run, PURGE_EVERY_MS);
    this.purgeTimer.unref();
  }

  /** Stops purging, writes the rows still queued, closes upstream connections. */
  async stop(): Promise<void> {
    clearInterval(this.purgeTimer);
    for (const proxy of this.proxies.values()) proxy.close();
    await this.log.flush();
  }

  async serve(s: ApiServed, call: HttpCall): Promise<HttpAnswer> {
    const p = s.product;
    const start: CallStart = { product: p, at: this.clock.now(), t0: performance.now(), method: call.method, buyer: {} };
    const target = requestTarget(call.path, call.rawQuery);
    if (!target.ok) return this.refuse(start, 400, "refused", target.problem, 0, jsonError(400, TARGET_ERRORS[target.problem]));
    const declared = Number(call.header("content-length"));
    if (declared > p.maxBodyBytes) return this.refuse(start, 413, "too-large", OVERSIZE, declared, jsonError(413, "request body too large"));
    let body: Buffer | undefined;
    if (needsBody(p.auth) || p.upstream === undefined) {
      const raw = await call.body(p.maxBodyBytes);
      if (raw.oversize) return this.refuse(start, 413, "too-large", OVERSIZE, 0, jsonError(413, "request body too large"));
      body = raw.bytes;
    }
    let verdict = verifyGatewayCall(
      { scheme: p.auth, keys: p.gatewayKeys, header: p.header },
      { method: call.method, path: call.path, rawQuery: call.rawQuery, headers: call.headers, body },
      this.clock.now(),
    );
    const bytesIn = body?.length ?? 0;
    if (verdict.ok && p.auth === "apig-signature" && !verdict.replayKey) this.warnUnclaimable(p);
    let retryAfter = 0;
    if (verdict.ok) {
      // the signature claimed and the call counted in one flush shared by the calls arriving at once
      // (./admission.ts); an unknown buyer (no signed X-Customer-Id) shares one bucket with every other unknown one
      const limit = p.rateLimit && { ...p.rateLimit, buyer: verdict.buyer.customerId ?? "" };
      const a = await this.admission.admit({ productId: p.id, replayKey: verdict.replayKey, limit, nowMs: this.clock.now() });
      if (!a.ok && a.why !== "replayed") return this.unavailable(start, bytesIn, a.why === "unclaimed" ? "API call's signature could not be claimed" : "API call's limit could not be counted", a.error);
      if (a.ok) retryAfter = a.retryAfter;
      else verdict = replayed();
    }
    if (!verdict.ok) return this.refuse(start, 401, "refused", verdict.reason, bytesIn, jsonError(401, verdict.error), verdict.detail);
    start.buyer = verdict.buyer;
    if (retryAfter > 0) return this.end(start, 429, "limited", bytesIn, jsonError(429, "too many requests", { "Retry-After": String(retryAfter) }));
    const { subPath, query } = target;
    if (s.adapter) return this.answerByAdapter(s.adapter, start, { subPath, query, headers: call.headers, body: body! });
    return this.answerByUpstream(start, call, subPath, query, body);
  }

  /** Answers 503 when the database cannot keep a promise the call needs (its claim, its count). */
  private unavailable(start: CallStart, bytesIn: number, what: string, e: Error): HttpAnswer {
    this.logger.error(what, { product: start.product.id, error: e.message });
    return this.end(start, 503, "failed", bytesIn, jsonError(503, "temporarily unavailable"));
  }

  /** Says once per listing that its gateway's signatures cannot be claimed, so replays pass. */
  private warnUnclaimable(p: ApiProduct): void {
    if (this.unclaimable.has(p.id)) return;
    this.unclaimable.add(p.id);
    this.logger.warn("the gateway's signature does not cover X-Request-Id: a replay within the date window cannot be told from a repeated call and is not refused (docs/marketplace/api-image-openapi.md §6.3)", { product: p.id });
  }

  /**
   * Answers a call refused before it was authenticated. Anyone can send those, so only the first
   * `KOOGATE_REFUSAL_SAMPLE` of the listing per minute get their row and log line; the rest are counted
   * and summed in one call-log row per reason when the minute closes.
   */
  private refuse(start: CallStart, status: number, outcome: CallOutcome, reason: RefusalReason, bytesIn: number, answer: HttpAnswer, detail?: string): HttpAnswer {
    const p = start.product;
    this.observer.refused(p.id, reason);
    const refusal = { product: p.id, reason, resultCode: String(status), response: String(answer.body), at: start.at };
    if (!this.refusals.admit(refusal, async (sum) => this.log.record(summaryRow(sum, start.method, status, outcome)))) return answer;
    this.logger.info("API call refused", { product: p.id, reason, status, detail });
    return this.end(start, status, outcome, bytesIn, answer, reason);
  }

  private async answerByAdapter(
    adapter: ApiAdapter,
    start: CallStart,
    req: { subPath: string; query: string; headers: HttpCall["headers"]; body: Buffer },
  ): Promise<HttpAnswer> {
    const p = start.product;
    const aborted = new AbortController();
    let reply: ApiReply;
    try {
      reply = await adapter.handle({
        productId: p.id,
        method: start.method,
        path: req.subPath,
        query: new URLSearchParams(req.query),
        headers: joined(req.headers),
        body: req.body,
        buyer: start.buyer,
        signal: aborted.signal,
      });
    } catch (e) {
      this.logger.error("API adapter failed", { product: p.id, adapter: p.adapter, error: e instanceof Error ? e.message : String(e) });
      return this.end(start, 500, "failed", req.body.length, jsonError(500, "internal error"));
    }
    const status = reply.status ?? 200;
    const b = reply.body;
    if (b !== undefined && b !== null && typeof b === "object" && Symbol.asyncIterator in b && !Buffer.isBuffer(b)) {
      const stream = Readable.from(b as AsyncIterable<Buffer | string>);
      const counted = new ByteCount(stream);
      stream.once("close", () => {
        if (!stream.readableEnded) aborted.abort();
        this.record(start, status, stream.readableEnded ? "answered" : "aborted", req.body.length, counted.bytes);
      });
      return { status, headers: { "content-type": "application/octet-stream", ...lower(reply.headers) }, body: stream };
    }
    const json = b !== undefined && typeof b === "object" && !Buffer.isBuffer(b);
    const bytes = b === undefined ? Buffer.alloc(0) : Buffer.isBuffer(b) ? b : Buffer.from(json ? JSON.stringify(b) : String(b), "utf8");
    const headers = { "content-type": json ? "application/json; charset=utf-8" : "application/octet-stream", ...lower(reply.headers) };
    const note = this.checkUsage(p, headers["content-type"], bytes);
    return this.end(start, status, "answered", req.body.length, { status, headers, body: bytes }, note);
  }

  private async answerByUpstream(start: CallStart, call: HttpCall, subPath: string, query: string, body: Buffer | undefined): Promise<HttpAnswer> {
    const p = start.product;
    const proxy = this.proxyOf(p);
    const keep = p.billing === "tokens" ? USAGE_CHECK_BYTES : 0;
    const r = await proxy.forward(
      { method: call.method, subPath, query, headers: call.headers, body: body ?? call.bodyStream(), maxBodyBytes: p.maxBodyBytes, remoteAddress: call.remoteAddress, drop: [credentialHeader({ scheme: p.auth, header: p.header })] },
      keep,
    );
    if (!r.ok) {
      const [status, error] = r.failure === "upstream-timeout" ? [504, "upstream timed out"] : r.failure === "too-large" ? [413, "request body too large"] : [502, "upstream unavailable"];
      if (r.failure !== "too-large") this.logger.warn("API upstream failed", { product: p.id, failure: r.failure });
      return this.end(start, status, r.failure, r.bytesIn, jsonError(status, error));
    }
    const bytesIn = body?.length ?? (Number(call.header("content-length")) || 0);
    r.body.once("close", () => {
      // the upstream's whole answer came (as it entered the pass-through stream before), and for the
      // usage check every byte of it was seen (none of a HEAD's or a 204's, which are not read)
      const complete = r.body.complete;
      const head = complete && keep > 0 && (r.body.readableEnded || r.counted.bytes === 0) ? r.counted.head() : null;
      const contentType = r.headers["content-type"];
      const note = head ? this.checkUsage(p, typeof contentType === "string" ? contentType : undefined, head) : null;
      this.record(start, r.status, complete ? "answered" : "aborted", bytesIn, r.counted.bytes, note);
    });
    return { status: r.status, headers: r.headers, body: r.body, type: undefined };
  }

  /** For a token-billed listing's JSON answer: why it would be billed as zero, logged and counted; else null. */
  private checkUsage(p: ApiProduct, contentType: string | undefined, body: Buffer): string | null {
    if (p.billing !== "tokens" || !isJsonAnswer(contentType)) return null;
    const problem = usageProblem(body);
    if (problem) {
      this.zeroUsage.set(p.id, (this.zeroUsage.get(p.id) ?? 0) + 1);
      this.logger.warn("API answer would be billed as zero tokens (docs/marketplace/api-image-openapi.md §6.4)", { product: p.id, problem, count: this.zeroUsage.get(p.id) });
    }
    return problem;
  }

  private end(start: CallStart, status: number, outcome: CallOutcome, bytesIn: number, answer: HttpAnswer, note?: string | null): HttpAnswer {
    const body = answer.body;
    this.record(start, status, outcome, bytesIn, Buffer.isBuffer(body) || typeof body === "string" ? Buffer.byteLength(body) : 0, note);
    return answer;
  }

  private record(start: CallStart, status: number, outcome: CallOutcome, bytesIn: number, bytesOut: number, note?: string | null): void {
    const r: CallRecord = {
      at: start.at,
      productId: start.product.id,
      buyerId: start.buyer.customerId,
      requestId: start.buyer.requestId,
      method: start.method,
      status,
      outcome,
      durationMs: performance.now() - start.t0,
      bytesIn,
      bytesOut,
      note,
    };
    this.log.record(r);
  }

  private proxyOf(p: ApiProduct): UpstreamProxy {
    let proxy = this.proxies.get(p.id);
    if (!proxy) this.proxies.set(p.id, (proxy = new UpstreamProxy(p.upstream!, p.upstreamTimeoutMs)));
    return proxy;
  }
}

/** The call-log row of a minute's refusals past the sample: one per reason, the count in its note. */
function summaryRow(sum: RefusalSummary, method: string, status: number, outcome: CallOutcome): CallRecord {
  return {
    at: sum.from,
    productId: sum.product,
    method,
    status,
    outcome,
    durationMs: 0,
    bytesIn: 0,
    bytesOut: 0,
    note: `${sum.reason}: and ${sum.count} more in the minute, counted, not logged one by one`,
  };
}

/** Node's headers with repeated values joined by ", ". */
function joined(h: HttpCall["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

function lower(h: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}
