/**
 * The 1.0 licence activities (docs/marketplace/license.md §4) once a call is authentic and well-formed. getLicense is
 * idempotent per order (the same orderId returns the instance and licence made before, §4): the first
 * delivery's businessId becomes the instanceId. Renewals apply once per order; expiry, release and
 * renewal follow the lifecycle table (core/lifecycle/table.ts, protocol v1).
 */
import { inject, injectable } from "tsyringe";
import { callErrors } from "../../../errors.js";
import type { Knex } from "knex";
import { RunOnce } from "../../../serving/once.js";
import { instanceStep, stateToStore } from "../../../lifecycle/instance.js";
import type { LifecycleEvent, Step } from "../../../lifecycle/table.js";
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
      const request = { instanceId, eventId: req.orderId, productId: req.productId, skuCode: req.skuCode, expireTime: req.expireTime, ...(req.terms ? { terms: req.terms } : {}), ...(req.trial !== undefined ? { trial: req.trial } : {}) };
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
        terms: req.terms,
        trial: req.trial ?? false,
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

  /**
   * Keyed on (instanceId, orderId): a resend of one renewal applies it once. A renewal of an expired
   * licence makes it usable again and says so to the adapter (`resumes`; core/lifecycle/table.ts).
   */
  private async refresh(sv: ServedV1, req: Req<"refreshLicense">): Promise<Outcome> {
    await this.live(sv, req.instanceId);
    const key = { productId: sv.product.id, activity: req.activity, idemKey: JSON.stringify([req.instanceId, req.orderId]) };
    return this.once.run(key, req.instanceId, async (instanceId) => {
      const row = await this.live(sv, instanceId);
      const step = this.step(row, "renew");
      const request = { instanceId, orderId: req.orderId, productId: req.productId, expireAt: req.expireAt, periodType: req.periodType, periodNumber: req.periodNumber, ...(step.resumes ? { resumes: true as const } : {}) };
      const started = await this.calls.start(sv, V1_CALLS, { activity: req.activity, request, ref: instanceId, test: req.test }, this.logger);
      const terms = req.periodType || req.periodNumber !== undefined ? { ...row.terms, periodType: req.periodType ?? row.terms?.periodType, periodNumber: req.periodNumber ?? row.terms?.periodNumber } : undefined;
      return startedOutcome(started, instanceId, async (trx) => {
        await this.instances.update(
          sv.product.id,
          instanceId,
          { state: stateToStore(row.state, step), expireAt: req.expireAt.getTime(), marketplaceProductId: req.productId, trial: false, ...(terms ? { terms } : {}), updatedAt: this.clock.now() },
          trx,
        );
      });
    });
  }

  private async expire(sv: ServedV1, req: Req<"expireLicense">): Promise<Outcome> {
    return this.change(sv, req, await this.live(sv, req.instanceId), "expire");
  }

  /** Releasing a released instance answers 000000 again, without the adapter. */
  private async release(sv: ServedV1, req: Req<"releaseLicense">): Promise<Outcome> {
    const row = await this.instances.get(sv.product.id, req.instanceId);
    if (!row) throw callErrors.unknownInstance(req.instanceId);
    return this.change(sv, req, row, "release");
  }

  /** An expiry or a release as the lifecycle table says: one that changes nothing for the buyer does not reach the adapter. */
  private async change(sv: ServedV1, req: Req<"expireLicense" | "releaseLicense">, row: InstanceRow, event: "expire" | "release"): Promise<Outcome> {
    const step = this.step(row, event);
    const state = stateToStore(row.state, step);
    const commit = async (trx: Knex.Transaction) => {
      if (state) await this.instances.update(sv.product.id, row.instanceId, { state, updatedAt: this.clock.now() }, trx);
    };
    if (!step.adapter) {
      if (!state) return success(undefined, { verdict: "resent", instanceId: row.instanceId, detail: `already ${step.to}` });
      return success(undefined, { instanceId: row.instanceId, detail: `${row.state} → ${state}: nothing changes for the buyer, the adapter is not called`, commit });
    }
    const request = { instanceId: req.instanceId, orderId: req.orderId };
    const started = await this.calls.start(sv, V1_CALLS, { activity: req.activity, request, ref: req.instanceId, test: req.test }, this.logger);
    return startedOutcome(started, req.instanceId, commit);
  }

  /** The lifecycle step of `event` for this 1.0 instance; a released one answers 000003. */
  private step(row: InstanceRow, event: LifecycleEvent): Exclude<Step, "gone"> {
    const step = instanceStep("v1", row.state, event);
    if (step === "gone") throw callErrors.unknownInstance(row.instanceId);
    return step;
  }

  /** The instance, which must exist and not be released (000003 otherwise, docs/marketplace/license.md §4). */
  private async live(sv: ServedV1, instanceId: string): Promise<InstanceRow> {
    const row = await this.instances.get(sv.product.id, instanceId);
    if (!row || row.state === "released" || row.state === "failed") throw callErrors.unknownInstance(instanceId);
    return row;
  }
}
