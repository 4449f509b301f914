/**
 * The joint-operation sync interface (docs/marketplace/saas.md §2.2, §5) as a signed interface of the call pipeline:
 * POST /produce/<id>/produceAPI/v2/<sync>. Order of checks: x-nonce and x-timestamp present, timestamp
 * in the window, x-sign over the raw bytes (then the canonical forms) with the kit key(s), nonce not
 * seen before; only then is the body parsed. The change is stored, then the adapter's hook is called.
 */
import { inject, injectable } from "tsyringe";
import { callErrors, describeError } from "../../../errors.js";
import { failureOutcome, success, type Outcome } from "../../../serving/outcome.js";
import type { Incoming, SignedInterface, Verified } from "../../../serving/pipeline.js";
import { marketplaceRefusal } from "../../../serving/refusal.js";
import { verifyKit } from "../../../signing/kit.js";
import { DEFAULT_TOLERANCE_MS } from "../../../signing/timestamp.js";
import { LOGGER, type Logger } from "../../../tokens.js";
import { RESULT_CODES } from "../../../vocabulary.js";
import { isJointSync } from "../vocabulary.js";
import type { SaasAdapter } from "../adapter.js";
import { adapterContext } from "../../../serving/adapter-context.js";
import type { SaasProduct, ServedSaasProduct } from "../product.js";
import { JointSyncApplier } from "./apply.js";
import { parseSyncRequest, peekSync, type SyncRequest } from "./requests.js";

@injectable()
export class JointSyncInterface implements SignedInterface<SaasProduct, SaasAdapter, Verified, SyncRequest> {
  readonly scope = "saas-sync";
  readonly noun = "sync";
  readonly readsBody = true;
  readonly refuse = marketplaceRefusal;

  constructor(
    private readonly applier: JointSyncApplier,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  verify(input: Incoming, product: SaasProduct): Verified {
    const v = verifyKit({ rawBody: input.rawBody, header: (n) => input.header(n), keys: product.keys.kit, nowMs: input.nowMs });
    if (v.form !== "raw" || v.keyIndex > 0) this.logger.debug("x-sign matched", { product: product.id, form: v.form, keyIndex: v.keyIndex });
    return { keyIndex: 0, nonce: { value: v.nonce, expiresAt: v.timestampMs + DEFAULT_TOLERANCE_MS + 1000 } };
  }

  peek(input: Incoming) {
    let seen: { instanceId?: string; test: boolean } = { test: false };
    try {
      seen = peekSync(JSON.parse(input.rawBody.toString("utf8")));
    } catch {
      // parse() answers it
    }
    return { activity: input.params.sync ?? "", ...seen };
  }

  parse(input: Incoming): SyncRequest {
    const sync = input.params.sync;
    if (!isJointSync(sync)) throw callErrors.param("param is invalid: unknown sync");
    return parseSyncRequest(sync, input.rawBody);
  }

  /** Stores the change, then calls the adapter's hook; a hook failure is 000005 with the state kept. */
  async run(sp: ServedSaasProduct, req: SyncRequest): Promise<Outcome> {
    const id = req.instanceId || undefined;
    let applied;
    try {
      applied = await this.applier.apply(sp, req);
    } catch (err) {
      const o = failureOutcome(err, "failed");
      // 000101 is the caller's doing (a secret we cannot open), not a failure of koogate
      return { ...o, verdict: o.resultCode === "000101" ? "rejected" : o.verdict, instanceId: id };
    }
    if (!applied.landed) return success(undefined, { verdict: "resent", instanceId: id, detail: applied.detail });
    if (applied.hook) {
      try {
        await applied.hook(adapterContext(sp.product, this.logger, { activity: req.sync, instanceId: req.instanceId, test: req.test }));
      } catch (err) {
        return { resultCode: RESULT_CODES.internalError, verdict: "failed", instanceId: id, detail: `stored, but the adapter's hook failed: ${describeError(err)}` };
      }
    }
    return success(undefined, { instanceId: id, detail: applied.detail });
  }

  /**
   * Signed with the kit key, the secret of this interface: which key KooGallery checks a joint-op
   * Body-Sign with (if it checks one in 2.0 at all) is UNCONFIRMED (docs/marketplace/saas.md §3, §11.9).
   */
  answerKey(product: SaasProduct): string {
    return product.keys.kit[0]!;
  }
}
