/**
 * What koogate does for each authorization-code call (docs/marketplace/license.md §2.2) once it is authentic and
 * well-formed: the idempotency rule, the adapter call, and the code's state committed with the event.
 *
 * A code koogate has not seen is recorded on first contact: the marketplace is the authority on which
 * codes exist (docs/marketplace/license.md §2.1), and a signed call proves the code is real. The alternative — answering
 * `000003` (code does not exist) until the code was activated through the relay — would fail every call
 * for a code whose software activates it elsewhere, and KooGallery would retry it 60 times and de-list
 * the product for frequent failures (§2.2).
 */
import { inject, injectable } from "tsyringe";
import type { Started } from "../../../outbox/outbox.js";
import { RunOnce } from "../../../serving/once.js";
import { success, type Outcome } from "../../../serving/outcome.js";
import { CLOCK, LOGGER, type Clock, type Logger } from "../../../tokens.js";
import type { LicenseCodeAdapter } from "../adapter.js";
import { codeDigest, codeRef, LicenseCodeStore, type CodeChanges, type CodeRow, type CodeStatus } from "../codes.js";
import { transition } from "../../../lifecycle/table.js";
import { LicenseCalls, startedOutcome } from "../calls.js";
import type { ServedLicense } from "../context.js";
import { isNewer, orderRank } from "./order-rank.js";
import type { CodeRequest } from "./requests.js";
import { CODE_CALLS } from "./work.js";

type ServedCode = ServedLicense<LicenseCodeAdapter>;
type Req<A extends CodeRequest["activity"]> = Extract<CodeRequest, { activity: A }>;

@injectable()
export class CodeActivities {
  constructor(
    private readonly codes: LicenseCodeStore,
    private readonly once: RunOnce,
    private readonly calls: LicenseCalls,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  dispatch(sc: ServedCode, req: CodeRequest): Promise<Outcome> {
    switch (req.activity) {
      case "refreshLicenseCode":
        return this.refresh(sc, req);
      case "updateLicenseCodeStatus":
        return this.updateStatus(sc, req);
      case "releaseLicenseCode":
        return this.release(sc, req);
    }
  }

  /**
   * Keyed on (code, orderId): a resend of one renewal is applied once. An order older than the one
   * applied (order-rank.ts) is recorded and answered 000000 but changes nothing, so deliveries in any
   * order end in the newest order's state; so is a renewal of a released code (release is final).
   */
  private async refresh(sc: ServedCode, req: Req<"refreshLicenseCode">): Promise<Outcome> {
    const ref = codeRef(req.license);
    const key = { productId: sc.product.id, activity: req.activity, idemKey: JSON.stringify([codeDigest(req.license), req.orderId]) };
    return this.once.run(key, ref, async () => {
      const now = this.clock.now();
      const row = await this.codes.get(sc.product.id, req.license);
      const rank = orderRank(req.orderId, now);
      // a released code is gone (core/lifecycle/table.ts); recorded on first contact, it is answered 000000
      if (transition("v2", row?.status ?? "active", "renew") === "gone") return success(undefined, { instanceId: ref, detail: "the code is released; a renewal changes nothing" });
      if (!isNewer(rank, row?.orderRank ?? null)) {
        return success(undefined, { instanceId: ref, detail: `order older than the applied ${row!.orderId}: recorded, nothing changed` });
      }
      if (req.scene !== "RENEWAL" && req.scene !== "UNSUBSCRIBE_RENEWAL_PERIOD") {
        this.logger.warn("refreshLicenseCode with a scene koogate does not know; passed to the adapter as is (docs/marketplace/license.md §2.2)", { product: sc.product.id, scene: req.scene });
      }
      const request = { license: req.license, scene: req.scene, orderId: req.orderId, orderLineId: req.orderLineId, productId: req.productId, expireAt: req.expireAt };
      const started = await this.start(sc, req.activity, request, ref, req.test);
      return this.answer(sc, req, ref, started, {
        orderId: req.orderId,
        orderLineId: req.orderLineId,
        orderRank: rank,
        expireAt: req.expireAt.getTime(),
        marketplaceProductId: req.productId,
        // the relay's cached check no longer holds: the next one asks the marketplace
        checkedOn: null,
        updatedAt: now,
      });
    });
  }

  /** FREEZE / UNFREEZE as the lifecycle table says (protocol v2): what changes nothing, or any change to a released code, succeeds without the adapter. */
  private async updateStatus(sc: ServedCode, req: Req<"updateLicenseCodeStatus">): Promise<Outcome> {
    const ref = codeRef(req.license);
    const row = await this.codes.get(sc.product.id, req.license);
    const current = row?.status ?? "active";
    const step = transition("v2", current, req.status === "FREEZE" ? "freeze" : "unfreeze");
    if (step === "gone" || !step.adapter) return success(undefined, { verdict: "resent", instanceId: ref, detail: `already ${current}` });
    const started = await this.start(sc, req.activity, { license: req.license, status: req.status }, ref, req.test);
    return this.answer(sc, req, ref, started, { status: step.to as CodeStatus, checkedOn: null, updatedAt: this.clock.now() });
  }

  /** Releasing a released code answers 000000 again, without the adapter (docs/marketplace/license.md §2.2). */
  private async release(sc: ServedCode, req: Req<"releaseLicenseCode">): Promise<Outcome> {
    const ref = codeRef(req.license);
    const row: CodeRow | undefined = await this.codes.get(sc.product.id, req.license);
    const step = transition("v2", row?.status ?? "active", "release");
    if (step === "gone" || !step.adapter) return success(undefined, { verdict: "resent", instanceId: ref, detail: "already released" });
    const request = { license: req.license, orderId: req.orderId, orderLineId: req.orderLineId };
    const started = await this.start(sc, req.activity, request, ref, req.test);
    return this.answer(sc, req, ref, started, { status: "released", checkedOn: null, updatedAt: this.clock.now() });
  }

  private start(sc: ServedCode, activity: string, request: object, ref: string, test: boolean): Promise<Started<void>> {
    return this.calls.start(sc, CODE_CALLS, { activity, request, ref, test }, this.logger);
  }

  /** Success, with the code recorded (first contact) and changed in the transaction that stores the event. */
  private answer(sc: ServedCode, req: CodeRequest, ref: string, started: Started<void>, changes: CodeChanges): Outcome {
    return startedOutcome(started, ref, async (trx) => {
      await this.codes.ensure(sc.product.id, req.license, req.test, changes.updatedAt, trx);
      await this.codes.update(sc.product.id, req.license, changes, trx);
    });
  }
}
