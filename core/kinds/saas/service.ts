/**
 * The SaaS 2.0 production interface, independent of any HTTP framework: takes the exact request bytes
 * and query, returns the exact response text. Order of checks (saas.md §2.1): timestamp and nonce
 * present, timestamp in the window, signature over the raw bytes (then the canonical forms), nonce not
 * seen before; only then is the body parsed. Every call to a known product ends in one event row.
 */
import { inject, injectable } from "tsyringe";
import { describeError } from "../../errors.js";
import { verifyBasic } from "../../signing/basic.js";
import { DEFAULT_TOLERANCE_MS } from "../../signing/timestamp.js";
import { EventLog } from "../../store/events.js";
import { NonceStore } from "../../store/nonces.js";
import { GroupCommit } from "../../store/group-commit.js";
import { CLOCK, LOGGER, type Clock, type Logger } from "../../tokens.js";
import { callErrors } from "../../errors.js";
import { SaasActivities, type ServedSaasProduct } from "./activities.js";
import { logCall } from "./call-context.js";
import { failureOutcome, responseBody, type Outcome } from "./outcome.js";
import { parseSaasRequest, peek, type PartialRequest } from "./requests.js";

export interface SaasCall {
  rawBody: Buffer;
  query: URLSearchParams;
  /** the body was larger than the server accepts: refused with 000002 without reading it */
  oversize?: boolean;
}

@injectable()
export class SaasService {
  constructor(
    private readonly commits: GroupCommit,
    private readonly nonces: NonceStore,
    private readonly events: EventLog,
    private readonly activities: SaasActivities,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Serves one 2.0 call; never throws. @returns the exact response text to sign and send */
  async handle(sp: ServedSaasProduct, call: SaasCall): Promise<string> {
    const startedAt = this.clock.now();
    const t0 = performance.now();
    let seen: PartialRequest = { activity: "", test: false };
    let signed: string | undefined;
    let outcome: Outcome;
    try {
      if (call.oversize) throw callErrors.param("param is invalid: the body is too large");
      const v = verifyBasic({ rawBody: call.rawBody, query: call.query, keys: sp.product.keys.basic, nowMs: startedAt });
      // which payload form (raw bytes, canonical, canonical-deep) and which rotated key matched
      signed = v.keyIndex > 0 ? `${v.form}, key #${v.keyIndex}` : v.form;
      // Remember the nonce for as long as its timestamp stays inside the window.
      if (!(await this.nonces.claim(sp.product.id, v.nonce, v.timestampMs + DEFAULT_TOLERANCE_MS + 1000))) {
        throw callErrors.auth("nonce already used (a replayed request)");
      }
      try {
        seen = peek(JSON.parse(call.rawBody.toString("utf8")));
      } catch {
        // parseSaasRequest answers it
      }
      const req = parseSaasRequest(call.rawBody);
      outcome = await this.activities.dispatch(sp, req);
    } catch (err) {
      outcome = failureOutcome(err, "rejected");
    }
    let body = responseBody(outcome);
    try {
      await this.commits.commit({
        apply: outcome.commit,
        inserts: outcome.inserts,
        completes: outcome.completes,
        event: this.event(sp, seen, outcome, body, startedAt, t0),
      });
      outcome.afterCommit?.();
    } catch (err) {
      // Nothing of this call was stored: answer 000005 so that the marketplace resends it.
      await outcome.onCommitFailure?.().catch(() => undefined);
      const detail = `could not store the outcome (${describeError(err)})`;
      outcome = { resultCode: "000005", verdict: "failed", instanceId: outcome.instanceId, detail };
      body = responseBody(outcome);
      await this.events.append(this.event(sp, seen, outcome, body, startedAt, t0)).catch(() => undefined);
    }
    this.logLine(sp, seen, outcome, performance.now() - t0, signed);
    return body;
  }

  private event(sp: ServedSaasProduct, seen: PartialRequest, o: Outcome, body: string, at: number, t0: number) {
    return {
      at,
      productId: sp.product.id,
      activity: seen.activity,
      instanceId: o.instanceId ?? seen.instanceId ?? null,
      idemKey: o.idemKey ?? null,
      verdict: o.verdict,
      resultCode: o.resultCode,
      response: o.loggedBody ?? body,
      durationMs: performance.now() - t0,
      test: seen.test,
      detail: o.detail ?? null,
    };
  }

  private logLine(sp: ServedSaasProduct, seen: PartialRequest, o: Outcome, ms: number, signed: string | undefined) {
    const fields = {
      product: sp.product.id,
      activity: seen.activity || undefined,
      instanceId: o.instanceId ?? seen.instanceId,
      resultCode: o.resultCode,
      verdict: o.verdict,
      ms: Math.round(ms * 10) / 10,
      detail: o.detail,
      test: seen.test || undefined,
      signed,
    };
    logCall(this.logger, o.verdict, fields);
  }
}
