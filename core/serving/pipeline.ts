/**
 * The one call pipeline of every signed interface the marketplace calls: measure time, read the exact
 * bytes, verify the signature over them, claim the nonce, parse, run (once, through the kind), commit
 * the state change and the event together, answer with a Body-Sign over the exact bytes sent — and
 * answer within the deadline whatever is stuck below. A kind describes one of its interfaces as a
 * `SignedInterface`; the pipeline does everything else the same way for all of them.
 */
import { randomBytes } from "node:crypto";
import { inject, injectable } from "tsyringe";
import { CallError, callErrors, describeError } from "../errors.js";
import type { LogFields } from "../logger.js";
import type { ProductBase } from "../products/definition.js";
import type { Served } from "../kinds/kind.js";
import { BODY_SIGN_HEADER, signBody } from "../signing/body-sign.js";
import { SignatureError } from "../signing/signature-error.js";
import { EventLog, type EventRecord } from "../store/events.js";
import { GroupCommit } from "../store/group-commit.js";
import { NonceStore } from "../store/nonces.js";
import { CALL_OBSERVER, CLOCK, LOGGER, type Clock, type Logger } from "../tokens.js";
import type { CallObserver } from "../ops/observer.js";
import { RESULT_CODES } from "../vocabulary.js";
import { logCall } from "./call-context.js";
import type { HttpAnswer, HttpCall } from "./http.js";
import { failureOutcome, responseBody, type Outcome } from "./outcome.js";
import { OVERSIZE, RefusalSampler, REPLAYED, UNVERIFIED, type RefusalReason } from "./refusal-sampler.js";
import { ANSWER_DEADLINE_MS } from "../settings/timings.js";

/**
 * Every call is answered within this, whatever is stuck below (a database that cannot be heard, an
 * adapter that never returns): KooGallery gives a call 5 s and resends a failed one (docs/marketplace/saas.md §1, §4.1).
 * The late work still finishes and stores its outcome, so a resend finds it. Derived in core/settings/timings.ts.
 */
export { ANSWER_DEADLINE_MS };

/** A request as an interface's verifier and parser see it. */
export interface Incoming {
  /** the exact body bytes (empty for GET) */
  rawBody: Buffer;
  /** the query string exactly as sent, still URL-encoded */
  rawQuery: string;
  /** the parsed query (URLSearchParams on the raw string: Koa's parser costs a quarter of a request) */
  query: URLSearchParams;
  header(name: string): string | undefined;
  params: Readonly<Record<string, string>>;
  /** the server's clock when the call arrived (ms) */
  nowMs: number;
}

/** What a verifier learnt from a valid signature. */
export interface Verified {
  /** which of the product's keys matched (0 = current): the answer is signed with it */
  keyIndex: number;
  /** the nonce to claim, and until when (none for schemes without one, like 1.0) */
  nonce?: { value: string; expiresAt: number };
  /** which payload form and key matched, for the log line */
  signed?: string;
}

/** What the event row and the log line say of a call, read leniently before or after a refusal. */
export interface Seen {
  activity: string;
  instanceId?: string;
  test: boolean;
}

/** One signed interface of a kind: its scheme, its parser and what running a call means. */
export interface SignedInterface<P extends ProductBase, A, V extends Verified, R> {
  /** the interface's name: the nonce scope (nonces of two interfaces never collide) and a log field */
  readonly scope: string;
  /** the noun of its log line ("call", "sync") */
  readonly noun?: string;
  /** whether the request has a body to read (POST) */
  readonly readsBody: boolean;
  /** @throws SignatureError, or CallError for a request that cannot be a call of this interface */
  verify(input: Incoming, product: P): V;
  /** the answer to a refused signature (core/serving/refusal.ts for the production interfaces) */
  refuse(e: SignatureError): CallError;
  /** what the event row and log line name; called once the signature verified */
  peek(input: Incoming, verified: V): Seen;
  /** @throws CallError 000002 naming the first broken rule */
  parse(input: Incoming, verified: V, served: Served<P, A>): R;
  /** carries the call out; its outcome's `commit` is committed with the event */
  run(served: Served<P, A>, req: R, verified: V): Promise<Outcome>;
  /** the key the answer is signed with; `verified` is absent when the call was refused */
  answerKey(product: P, verified: V | undefined): string;
  /** extra fields for the log line */
  logFields?(verified: V | undefined): LogFields;
}

const DEADLINE_OUTCOME: Outcome = { resultCode: RESULT_CODES.internalError, verdict: "failed" };

/** One call in flight, shared by its work and its deadline, so that exactly one event row says what was sent. */
interface CallState {
  requestId: string;
  startedAt: number;
  t0: number;
  seen: Seen;
  /** the work has begun committing its outcome (with its event row) */
  committing: boolean;
  /** the deadline answered before the work began committing: the work commits without an event row */
  answeredAtDeadline: boolean;
  /** the signature verified */
  signed: boolean;
}

/**
 * Request ids: unique per process by a counter, across processes by a random prefix drawn once. Cheaper
 * than random bytes per call, and they sort in arrival order within a process.
 */
const REQUEST_ID_PREFIX = randomBytes(6).toString("base64url");
let requestCounter = 0;
function nextRequestId(): string {
  return `${REQUEST_ID_PREFIX}.${(++requestCounter).toString(36)}`;
}

@injectable()
export class CallPipeline {
  constructor(
    private readonly commits: GroupCommit,
    private readonly nonces: NonceStore,
    private readonly events: EventLog,
    private readonly refusals: RefusalSampler,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(CALL_OBSERVER) private readonly observer: CallObserver,
  ) {}

  /** Serves one call of `iface`; never throws. The answer is HTTP 200 with a Body-Sign. */
  async serve<P extends ProductBase, A, V extends Verified, R>(
    served: Served<P, A>,
    iface: SignedInterface<P, A, V, R>,
    call: HttpCall,
    deadlineMs = ANSWER_DEADLINE_MS,
  ): Promise<HttpAnswer> {
    const state: CallState = {
      requestId: nextRequestId(),
      startedAt: this.clock.now(),
      t0: performance.now(),
      seen: { activity: "", test: false },
      committing: false,
      answeredAtDeadline: false,
      signed: false,
    };
    const work = this.handle(served, iface, call, state);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((r) => (timer = setTimeout(() => r("late"), deadlineMs)));
    const first = await Promise.race([work, late]);
    clearTimeout(timer);
    const { product } = served;
    // one observation per call, of what was sent: the deadline's 000005 when the work was late
    const observe = (verdict: string, resultCode: string) =>
      this.observer.observeCall({ product: product.id, activity: state.seen.activity, verdict, resultCode, seconds: (performance.now() - state.t0) / 1000, signed: state.signed });
    if (first !== "late") {
      observe(first.verdict, first.resultCode);
      return signed(first.body, iface.answerKey(product, first.verified));
    }
    observe(DEADLINE_OUTCOME.verdict, DEADLINE_OUTCOME.resultCode);
    const body = responseBody(DEADLINE_OUTCOME);
    this.logger.error("call not finished within the deadline: answered 000005, its work goes on", { product: product.id, requestId: state.requestId });
    // Exactly one event row says what was sent on the wire: written now when the work has not begun
    // to commit (it then commits without one), else amended once the work has stored its own.
    const detail = (ended: string) => `answered 000005 at the ${deadlineMs} ms deadline; the work ${ended}`;
    if (!state.committing) {
      state.answeredAtDeadline = true;
      const event: EventRecord = { ...this.eventOf(product.id, state, { ...DEADLINE_OUTCOME, detail: detail("goes on") }, body) };
      void this.events.append(event).catch((e: unknown) => this.logger.error("could not store the event of a late call", { requestId: state.requestId, error: describeError(e) }));
    } else {
      void work.then((w) =>
        this.events
          .amend({ productId: product.id, at: state.startedAt, requestId: state.requestId }, { verdict: "failed", resultCode: RESULT_CODES.internalError, response: body, detail: detail(`then ended ${w.resultCode}`) })
          .catch((e: unknown) => this.logger.error("could not amend the event of a late call", { requestId: state.requestId, error: describeError(e) })),
      );
    }
    return signed(body, iface.answerKey(product, undefined));
  }

  private eventOf(productId: string, state: CallState, o: Outcome, response: string): EventRecord {
    return {
      at: state.startedAt,
      requestId: state.requestId,
      productId,
      activity: state.seen.activity,
      instanceId: o.instanceId ?? state.seen.instanceId ?? null,
      idemKey: o.idemKey ?? null,
      verdict: o.verdict,
      resultCode: o.resultCode,
      response,
      durationMs: performance.now() - state.t0,
      test: state.seen.test,
      detail: o.detail ?? null,
    };
  }

  private async handle<P extends ProductBase, A, V extends Verified, R>(
    served: Served<P, A>,
    iface: SignedInterface<P, A, V, R>,
    call: HttpCall,
    state: CallState,
  ): Promise<{ body: string; verified?: V; resultCode: string; verdict: string }> {
    const { product } = served;
    const { startedAt, t0, requestId } = state;
    let verified: V | undefined;
    let outcome: Outcome;
    /** why the call was refused before it was authenticated: such a refusal is sampled, not stored each time */
    let refusal: RefusalReason | undefined;
    try {
      const raw = iface.readsBody ? await call.body().catch(() => Promise.reject(callErrors.param("param is invalid: the body did not arrive in time"))) : { bytes: Buffer.alloc(0), oversize: false };
      if (raw.oversize) {
        refusal = OVERSIZE;
        throw callErrors.param("param is invalid: the body is too large");
      }
      const input: Incoming = { rawBody: raw.bytes, rawQuery: call.rawQuery, query: new URLSearchParams(call.rawQuery), header: call.header, params: call.params, nowMs: startedAt };
      try {
        verified = iface.verify(input, product);
      } catch (e) {
        refusal = e instanceof SignatureError ? e.reason : e instanceof CallError ? UNVERIFIED : undefined;
        throw e instanceof SignatureError ? iface.refuse(e) : e;
      }
      state.signed = true;
      state.seen = iface.peek(input, verified);
      if (verified.nonce && !(await this.nonces.claim(product.id, iface.scope, verified.nonce.value, verified.nonce.expiresAt))) {
        refusal = REPLAYED;
        throw callErrors.auth("nonce already used (a replayed request)");
      }
      const req = iface.parse(input, verified, served);
      outcome = await iface.run(served, req, verified);
    } catch (err) {
      outcome = failureOutcome(err, "rejected");
    }
    let body = responseBody(outcome);
    // every refusal before authentication is a metric (koogate_refusals_total), sampled or not
    if (refusal !== undefined) this.observer.refused(product.id, refusal);
    // counted in memory; outside the sample, no event row and no log line (the minute's summary has it)
    if (refusal !== undefined && !this.refusals.admit({ product: product.id, reason: refusal, resultCode: outcome.resultCode, response: body, at: startedAt })) {
      return { body, verified, resultCode: outcome.resultCode, verdict: outcome.verdict };
    }
    const { seen } = state;
    const event = (o: Outcome, response: string) => (state.answeredAtDeadline ? undefined : this.eventOf(product.id, state, o, response));
    state.committing = true;
    try {
      await this.commits.commit({ apply: outcome.commit, inserts: outcome.inserts, completes: outcome.completes, event: event(outcome, outcome.loggedBody ?? body) });
      outcome.afterCommit?.();
    } catch (err) {
      // Nothing of this call was stored: answer 000005 so that the marketplace resends it.
      await outcome.onCommitFailure?.().catch(() => undefined);
      outcome = { resultCode: RESULT_CODES.internalError, verdict: "failed", instanceId: outcome.instanceId, detail: `could not store the outcome (${describeError(err)})` };
      body = responseBody(outcome);
      const e = event(outcome, body);
      if (e) await this.events.append(e).catch(() => undefined);
    }
    logCall(
      this.logger,
      outcome.verdict,
      {
        product: product.id,
        activity: seen.activity || undefined,
        instanceId: outcome.instanceId ?? seen.instanceId,
        resultCode: outcome.resultCode,
        verdict: outcome.verdict,
        ms: Math.round((performance.now() - t0) * 10) / 10,
        detail: outcome.detail,
        test: seen.test || undefined,
        requestId,
        ...iface.logFields?.(verified),
      },
      iface.noun,
    );
    return { body, verified, resultCode: outcome.resultCode, verdict: outcome.verdict };
  }
}

/** The answer, with a Body-Sign over the exact bytes sent (a Buffer, so no layer re-serialises it). */
function signed(body: string, key: string): HttpAnswer {
  const bytes = Buffer.from(body, "utf8");
  return { status: 200, headers: { [BODY_SIGN_HEADER]: signBody(key, bytes) }, body: bytes };
}
