/**
 * The 1.0 licence activities (docs/marketplace/license.md §4) once a call is authentic and well-formed. getLicense is
 * idempotent per order (the same orderId returns the instance and licence made before, §4): the first
 * delivery's businessId becomes the instanceId. Renewals apply once per order; expire and release skip
 * an instance already in that state.
 */
import { inject, injectable } from "tsyringe";
import { callErrors } from "../../../errors.js";
import { RunOnce } from "../../../serving/once.js";
import { success, type Outcome } from "../../../serving/outcome.js";
import { INSTANCES_TABLE, InstanceStore, type InstanceRow } from "../../../store/instances.js";
import { parseMarketplaceTime } from "../../../time.js";
import { CLOCK, LOGGER, type Clock, type Logger } from "../../../tokens.js";
import type { V1LicenseAdapter } from "../adapter.js";
import { LicenseCalls, startedOutcome } from "../calls.js";
import { licenseContext, type ServedLicense } from "../context.js";
import { ISSUED_TABLE, IssuedLicenseStore, requestKey, sealLicense } from "../issued.js";
import { LicenseIssueWork } from "../online/work.js";
import type { V1LicenseRequest } from "./requests.js";
import { V1_CALLS } from "./work.js";

export type ServedV1 = ServedLicense<V1LicenseAdapter>;
type Req<A extends V1LicenseRequest["activity"]> = Extract<V1LicenseRequest, { activity: A }>;

/** The issue job of a 1.0 listing (no upload: the licence is answered to a resend). */
export const V1_ISSUE_JOB = "getLicense";

/** Where a 1.0 instance's licence is stored. */
export const v1LicenseKey = (instanceId: string) => requestKey(["v1", instanceId]);

@injectable()
export class V1LicenseActivities {
  constructor(
    private readonly instances: InstanceStore,
    private readonly once: RunOnce,
    private readonly issue: LicenseIssueWork,
    private readonly calls: LicenseCalls,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  dispatch(sv: ServedV1, req: V1LicenseRequest): Promise<Outcome> {
    switch (req.activity) {
      case "getLicense":
        return this.getLicense(sv, req);
      case "refreshLicense":
        return this.refresh(sv, req);
      case "expireLicense":
        return this.expire(sv, req);
      case "releaseLicense":
        return this.release(sv, req);
    }
  }

  private getLicense(sv: ServedV1, req: Req<"getLicense">): Promise<Outcome> {
    const p = sv.product;
    return this.once.run({ productId: p.id, activity: req.activity, idemKey: req.orderId }, req.businessId, async (instanceId) => {
      const key = v1LicenseKey(instanceId);
      const request = { instanceId, eventId: req.orderId, productId: req.productId, skuCode: req.skuCode, expireTime: req.expireTime };
      const ctx = licenseContext(p, this.logger, { activity: req.activity, instanceId, test: req.test });
      const started = await this.issue.start(sv, V1_ISSUE_JOB, key, request, req.test, ctx);
      if (started.finished && !("characters" in started.result)) throw new Error("the adapter issued a file; a 1.0 licence is answered as a string (docs/marketplace/license.md §4)");
      const now = this.clock.now();
      const sealed = started.finished ? sealLicense(p, started.result) : null;
      const instance: InstanceRow = {
        productId: p.id,
        instanceId,
        orderId: req.orderId,
        orderLineId: req.orderId,
        businessId: req.businessId,
        state: "active",
        expireAt: req.expireTime ? (parseMarketplaceTime(req.expireTime)?.getTime() ?? null) : null,
        marketplaceProductId: req.productId ?? null,
        test: req.test,
        appInfoSealed: null,
        createdAt: now,
        updatedAt: now,
      };
      const issued = IssuedLicenseStore.row({ productId: p.id, requestKey: key, instanceId, eventId: null, state: sealed ? "issued" : "issuing", sealed, test: req.test, nowMs: now });
      return success(
        { instanceId },
        {
          instanceId,
          inserts: [
            { table: INSTANCES_TABLE, row: InstanceStore.toRow(instance) },
            { table: ISSUED_TABLE, row: issued },
          ],
          commit: started.finished ? undefined : (trx) => started.enqueue(trx),
          afterCommit: started.finished ? undefined : started.afterCommit,
        },
      );
    });
  }

  /** Keyed on (instanceId, orderId): a resend of one renewal applies it once. */
  private async refresh(sv: ServedV1, req: Req<"refreshLicense">): Promise<Outcome> {
    await this.live(sv, req.instanceId);
    const key = { productId: sv.product.id, activity: req.activity, idemKey: JSON.stringify([req.instanceId, req.orderId]) };
    return this.once.run(key, req.instanceId, async (instanceId) => {
      const request = { instanceId, orderId: req.orderId, productId: req.productId, expireAt: req.expireAt, periodType: req.periodType, periodNumber: req.periodNumber };
      const started = await this.calls.start(sv, V1_CALLS, { activity: req.activity, request, ref: instanceId, test: req.test }, this.logger);
      return startedOutcome(started, instanceId, async (trx) => {
        await this.instances.update(sv.product.id, instanceId, { expireAt: req.expireAt.getTime(), marketplaceProductId: req.productId, updatedAt: this.clock.now() }, trx);
      });
    });
  }

  private async expire(sv: ServedV1, req: Req<"expireLicense">): Promise<Outcome> {
    const row = await this.live(sv, req.instanceId);
    if (row.state === "frozen") return success(undefined, { verdict: "resent", instanceId: row.instanceId, detail: "already expired" });
    return this.change(sv, req, "frozen");
  }

  /** Releasing a released instance answers 000000 again, without the adapter. */
  private async release(sv: ServedV1, req: Req<"releaseLicense">): Promise<Outcome> {
    const row = await this.instances.get(sv.product.id, req.instanceId);
    if (!row) throw callErrors.unknownInstance(req.instanceId);
    if (row.state === "released") return success(undefined, { verdict: "resent", instanceId: row.instanceId, detail: "already released" });
    return this.change(sv, req, "released");
  }

  private async change(sv: ServedV1, req: Req<"expireLicense" | "releaseLicense">, state: "frozen" | "released"): Promise<Outcome> {
    const request = { instanceId: req.instanceId, orderId: req.orderId };
    const started = await this.calls.start(sv, V1_CALLS, { activity: req.activity, request, ref: req.instanceId, test: req.test }, this.logger);
    return startedOutcome(started, req.instanceId, async (trx) => {
      await this.instances.update(sv.product.id, req.instanceId, { state, updatedAt: this.clock.now() }, trx);
    });
  }

  /** The instance, which must exist and not be released (000003 otherwise, docs/marketplace/license.md §4). */
  private async live(sv: ServedV1, instanceId: string): Promise<InstanceRow> {
    const row = await this.instances.get(sv.product.id, instanceId);
    if (!row || row.state === "released" || row.state === "failed") throw callErrors.unknownInstance(instanceId);
    return row;
  }
}
