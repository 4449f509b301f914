/**
 * The joint-operation sync interface (saas.md §2.2, §5), independent of any HTTP framework: takes the
 * call's name, exact bytes and headers, returns the exact response text. Order of checks: x-nonce and
 * x-timestamp present, timestamp in the window, x-sign over the raw bytes (then the canonical forms)
 * with the kit key(s), nonce not seen before; only then is the body parsed. One event row per call.
 */
import { inject, injectable } from "tsyringe";
import { callErrors, describeError } from "../../../errors.js";
import { adapterContext, logCall } from "../call-context.js";
import { verifyKit } from "../../../signing/kit.js";
import { DEFAULT_TOLERANCE_MS } from "../../../signing/timestamp.js";
import { EventLog } from "../../../store/events.js";
import { NonceStore } from "../../../store/nonces.js";
import { CLOCK, LOGGER, type Clock, type Logger } from "../../../tokens.js";
import type { JointSync } from "../../../vocabulary.js";
import type { ServedSaasProduct } from "../activities.js";
import type { AdapterContext } from "../adapter.js";
import { failureOutcome, responseBody, success, type Outcome } from "../outcome.js";
import { JointSyncApplier } from "./apply.js";
import { parseSyncRequest, peekSync } from "./requests.js";

export interface SyncCall {
  sync: JointSync;
  rawBody: Buffer;
  /** header lookup by lower-case name */
  header: (name: "x-sign" | "x-timestamp" | "x-nonce") => string | undefined;
  /** the body was larger than the server accepts: refused with 000002 without reading it */
  oversize?: boolean;
}

/**
 * Kit nonces are stored with this prefix in the nonce table, so that a nonce of the basic interface
 * (another key, another signer) can never collide with one of the sync interface. A prefix of the
 * nonce rather than of the product id keeps within the product_id column's 64 characters.
 */
const KIT_NONCE_PREFIX = "kit:";
const MAX_NONCE = 128 - KIT_NONCE_PREFIX.length;

@injectable()
export class JointSyncService {
  constructor(
    private readonly nonces: NonceStore,
    private readonly events: EventLog,
    private readonly applier: JointSyncApplier,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Serves one sync call; never throws. @returns the exact response text to sign and send */
  async handle(sp: ServedSaasProduct, call: SyncCall): Promise<string> {
    const startedAt = this.clock.now();
    const t0 = performance.now();
    let seen: { instanceId?: string; test: boolean } = { test: false };
    let outcome: Outcome;
    try {
      if (call.oversize) throw callErrors.param("param is invalid: the body is too large");
      const v = verifyKit({ rawBody: call.rawBody, header: call.header, keys: sp.product.keys.kit, nowMs: startedAt });
      if (v.form !== "raw" || v.keyIndex > 0) this.logger.debug("x-sign matched", { product: sp.product.id, form: v.form, keyIndex: v.keyIndex });
      if (v.nonce.length > MAX_NONCE) throw callErrors.param("x-nonce is too long");
      if (!(await this.nonces.claim(sp.product.id, KIT_NONCE_PREFIX + v.nonce, v.timestampMs + DEFAULT_TOLERANCE_MS + 1000))) {
        throw callErrors.auth("x-nonce already used (a replayed request)");
      }
      try {
        seen = peekSync(JSON.parse(call.rawBody.toString("utf8")));
      } catch {
        // parseSyncRequest answers it
      }
      const req = parseSyncRequest(call.sync, call.rawBody);
      outcome = await this.run(sp, call.sync, req.instanceId, req.test, () => this.applier.apply(sp, req));
    } catch (err) {
      outcome = failureOutcome(err, "rejected");
    }
    const body = responseBody(outcome);
    await this.events
      .append({
        at: startedAt,
        productId: sp.product.id,
        activity: call.sync,
        instanceId: outcome.instanceId ?? seen.instanceId ?? null,
        verdict: outcome.verdict,
        resultCode: outcome.resultCode,
        response: body,
        durationMs: performance.now() - t0,
        test: seen.test,
        detail: outcome.detail ?? null,
      })
      .catch((e: unknown) => this.logger.error("could not append the event", { product: sp.product.id, sync: call.sync, error: describeError(e) }));
    this.logLine(sp, call.sync, seen, outcome, performance.now() - t0);
    return body;
  }

  /** Stores the change, then calls the adapter's hook; a hook failure is 000005 with the state kept. */
  private async run(sp: ServedSaasProduct, sync: JointSync, instanceId: string, test: boolean, apply: () => ReturnType<JointSyncApplier["apply"]>): Promise<Outcome> {
    const id = instanceId || undefined;
    let applied;
    try {
      applied = await apply();
    } catch (err) {
      const o = failureOutcome(err, "failed");
      // 000101 is the caller's doing (a secret we cannot open), not a failure of koogate
      return { ...o, verdict: o.resultCode === "000101" ? "rejected" : o.verdict, instanceId: id };
    }
    if (!applied.landed) return success(undefined, { verdict: "resent", instanceId: id, detail: applied.detail });
    if (applied.hook) {
      try {
        await applied.hook(this.context(sp, sync, instanceId, test));
      } catch (err) {
        return { resultCode: "000005", verdict: "failed", instanceId: id, detail: `stored, but the adapter's hook failed: ${describeError(err)}` };
      }
    }
    return success(undefined, { instanceId: id, detail: applied.detail });
  }

  private context(sp: ServedSaasProduct, sync: JointSync, instanceId: string, test: boolean): AdapterContext {
    return adapterContext(sp.product, this.logger, { activity: sync, instanceId, test });
  }

  private logLine(sp: ServedSaasProduct, sync: JointSync, seen: { instanceId?: string; test: boolean }, o: Outcome, ms: number) {
    const fields = {
      product: sp.product.id,
      activity: sync,
      instanceId: o.instanceId ?? seen.instanceId,
      resultCode: o.resultCode,
      verdict: o.verdict,
      ms: Math.round(ms * 10) / 10,
      detail: o.detail,
      test: seen.test || undefined,
    };
    logCall(this.logger, o.verdict, fields, "sync");
  }
}
