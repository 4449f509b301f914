/**
 * What koogate does for each instance activity once a call is authentic and well-formed: the idempotency
 * rule of docs/marketplace/saas.md §4 for that activity, the adapter call, and the state change committed
 * with the event. A SaaS listing (2.0, and 1.0 mapped onto 2.0) and an online License listing
 * (docs/marketplace/license.md §3.1–3.4) run them alike, each as its own product (./product.ts).
 */
import { inject, injectable } from "tsyringe";
import type { Knex } from "knex";
import { callErrors } from "../errors.js";
import { UsageStore } from "../metering/store.js";
import { isMetered } from "../metering/definition.js";
import { usageNow, type UsageInfo } from "../metering/realtime.js";
import { INSTANCES_TABLE, InstanceStore, type InstanceRow } from "../store/instances.js";
import { CLOCK, LOGGER, type Clock, type Logger } from "../tokens.js";
import { assertNever, type InstanceState, RESULT_CODES } from "../vocabulary.js";
import type { Started } from "../outbox/outbox.js";
import { idempotencyKey, RunOnce } from "../serving/once.js";
import { deferredDetail, success, type Outcome } from "../serving/outcome.js";
import { instanceStep, stateToStore } from "../lifecycle/instance.js";
import type { LifecycleEvent, Step } from "../lifecycle/table.js";
import type { AdapterContext } from "../serving/adapter-context.js";
import { redactAppInfo as redact, sealAppInfo, wireAppInfo } from "./app-info.js";
import { adapterContext } from "../serving/adapter-context.js";
import type { ServedInstances } from "./product.js";
import type { InstanceRequest } from "./requests.js";
import { InstanceWork } from "./work.js";

type Req<A extends InstanceRequest["activity"]> = Extract<InstanceRequest, { activity: A }>;

@injectable()
export class InstanceActivities {
  constructor(
    private readonly instances: InstanceStore,
    private readonly once: RunOnce,
    private readonly work: InstanceWork,
    private readonly usage: UsageStore,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  dispatch(sp: ServedInstances, req: InstanceRequest): Promise<Outcome> {
    switch (req.activity) {
      case "newInstance":
        return this.newInstance(sp, req);
      case "queryInstance":
        return this.queryInstance(sp, req);
      case "refreshInstance":
        return this.refreshInstance(sp, req);
      case "updateInstanceStatus":
        return this.updateInstanceStatus(sp, req);
      case "releaseInstance":
        return this.releaseInstance(sp, req);
      case "upgradeInstance":
        return this.upgradeInstance(sp, req);
      case "changeInstanceCheck":
        return this.changeInstanceCheck(sp, req);
      default:
        return assertNever(req);
    }
  }

  /** Keyed on (orderId, orderLineId); the instanceId is the businessId of the first delivery (docs/marketplace/saas.md §4.1). */
  private newInstance(sp: ServedInstances, req: Req<"newInstance">): Promise<Outcome> {
    const key = { productId: sp.product.id, activity: req.activity, idemKey: idempotencyKey([req.orderId, req.orderLineId]) };
    return this.once.run(key, req.businessId, async (instanceId) => {
      const request = { ...req.details, instanceId, orderId: req.orderId, orderLineId: req.orderLineId };
      const started = await this.work.start(sp, { activity: req.activity, request }, req.test, this.context(sp, req.activity, instanceId, req.test));
      const now = this.clock.now();
      const row: InstanceRow = {
        productId: sp.product.id,
        instanceId,
        orderId: req.orderId,
        orderLineId: req.orderLineId,
        businessId: req.businessId,
        state: started.finished ? "active" : "provisioning",
        expireAt: req.details?.expireAt?.getTime() ?? null,
        marketplaceProductId: req.details?.productId ?? null,
        test: req.test,
        appInfoSealed: started.finished ? sealAppInfo(sp.product, started.result) : null,
        terms: req.details?.terms,
        trial: req.details?.trial ?? false,
        createdAt: now,
        updatedAt: now,
      };
      return this.answer(started, row.instanceId, undefined, { instanceId }, [{ table: INSTANCES_TABLE, row: InstanceStore.toRow(row) }]);
    });
  }

  /** Read-only; answers the instances that exist, with their sign-in information (docs/marketplace/saas.md §4.2). */
  private async queryInstance(sp: ServedInstances, req: Req<"queryInstance">): Promise<Outcome> {
    const rows = await this.instances.getMany(sp.product.id, req.instanceIds);
    if (rows.length === 0) throw callErrors.unknownInstance(req.instanceIds.join(","));
    const byId = new Map(rows.map((r) => [r.instanceId, r]));
    const usage = await this.usageOf(sp, rows, req.test);
    const info: Array<Record<string, unknown>> = [];
    const logged: Array<Record<string, unknown>> = [];
    for (const id of req.instanceIds) {
      const row = byId.get(id);
      // still provisioning: not answered until its credentials exist (docs/marketplace/saas.md §4.2); failed: never will
      if (!row || row.state === "provisioning" || row.state === "failed") continue;
      const appInfo = row.state === "released" || !row.appInfoSealed ? undefined : wireAppInfo(sp.product, row.appInfoSealed);
      const entry: Record<string, unknown> = { instanceId: id };
      if (appInfo) {
        entry.appInfo = appInfo;
        if (sp.product.credentials === "encrypted") entry.encryptType = String(sp.product.encryptType);
      }
      const used = usage?.get(id);
      // real-time usage, or what was recorded so far (core/metering/realtime.ts; field names UNCONFIRMED)
      if (used) entry.usageInfo = [used];
      info.push(entry);
      logged.push(appInfo ? { ...entry, appInfo: redact(appInfo) } : entry);
    }
    const instanceId = req.instanceIds.length === 1 ? req.instanceIds[0] : undefined;
    return success(
      { info },
      { instanceId, loggedBody: JSON.stringify({ resultCode: "000000", resultMsg: "success.", info: logged }) },
    );
  }

  /**
   * The usage of a metered listing's answered instances in real time (the adapter's currentUsage()
   * hook within its budget), or as recorded so far (docs/marketplace/saas.md §4.2).
   */
  private async usageOf(sp: ServedInstances, rows: readonly InstanceRow[], test: boolean): Promise<Map<string, UsageInfo> | undefined> {
    const p = sp.product;
    if (!isMetered(p)) return undefined;
    const answered = rows.filter((r) => r.state !== "provisioning" && r.state !== "failed" && r.state !== "released");
    if (answered.length === 0) return undefined;
    const recorded = await this.usage.totals(p.id, answered.map((r) => r.instanceId));
    const logger = this.context(sp, "queryInstance", answered.length === 1 ? answered[0]!.instanceId : "", test).logger;
    return usageNow(p, sp.adapter, answered.map((r) => ({ instanceId: r.instanceId, terms: r.terms })), recorded, { logger, test, options: p.options, nowMs: this.clock.now() });
  }

  /**
   * Keyed on (instanceId, orderId, orderLineId, scene): a resend of one renewal applies it once. On a
   * 1.0 listing a renewal of an expired or frozen instance makes it usable again (core/lifecycle/table.ts).
   */
  private async refreshInstance(sp: ServedInstances, req: Req<"refreshInstance">): Promise<Outcome> {
    await this.live(sp, req.instanceId);
    const key = {
      productId: sp.product.id,
      activity: req.activity,
      idemKey: idempotencyKey([req.instanceId, req.orderId, req.orderLineId, req.scene]),
    };
    return this.once.run(key, req.instanceId, async (instanceId) => {
      if (!["TRIAL_TO_FORMAL", "RENEWAL", "UNSUBSCRIBE_RENEWAL_PERIOD", "RENEWAL_CHANGE"].includes(req.scene)) {
        this.logger.warn("refreshInstance with a scene koogate does not know; passed to the adapter as is (docs/marketplace/saas.md §4.3)", {
          product: sp.product.id,
          scene: req.scene,
        });
      }
      // read again inside the claim: an expiry may have landed since
      const row = await this.live(sp, instanceId);
      const step = this.step(sp, row, "renew");
      const request = {
        instanceId,
        scene: req.scene,
        orderId: req.orderId,
        orderLineId: req.orderLineId,
        productId: req.productId,
        expireAt: req.expireAt,
        ...(req.terms ? { terms: req.terms } : {}),
        ...(step.resumes ? { resumes: true as const } : {}),
      };
      const started = await this.work.start(sp, { activity: req.activity, request }, req.test, this.context(sp, req.activity, instanceId, req.test));
      return this.answer(started, instanceId, async (trx) => {
        await this.instances.update(
          sp.product.id,
          instanceId,
          {
            state: stateToStore(row.state, step),
            expireAt: req.expireAt.getTime(),
            marketplaceProductId: req.productId,
            ...(req.scene === "TRIAL_TO_FORMAL" ? { trial: false } : {}),
            ...(req.terms ? { terms: { ...row.terms, ...req.terms } } : {}),
            updatedAt: this.clock.now(),
          },
          trx,
        );
      });
    });
  }

  /**
   * FREEZE / UNFREEZE (and a 1.0 expiry) as the lifecycle table says: asking for what changes nothing
   * succeeds without the adapter.
   */
  private async updateInstanceStatus(sp: ServedInstances, req: Req<"updateInstanceStatus">): Promise<Outcome> {
    const row = await this.live(sp, req.instanceId);
    const event = req.expiry ? "expire" : req.status === "FREEZE" ? "freeze" : "unfreeze";
    const step = this.step(sp, row, event);
    const state = stateToStore(row.state, step);
    if (!step.adapter) {
      if (!state) return success(undefined, { verdict: "resent", instanceId: row.instanceId, detail: `already ${step.to}` });
      return success(undefined, { instanceId: row.instanceId, detail: `${row.state} → ${state}: nothing changes for the buyer, the adapter is not called`, commit: (trx) => this.setState(sp, row, state, trx) });
    }
    const request = { instanceId: row.instanceId, status: req.status };
    const started = await this.work.start(sp, { activity: req.activity, request }, req.test, this.context(sp, req.activity, row.instanceId, req.test));
    return this.answer(started, row.instanceId, async (trx) => {
      if (state) await this.setState(sp, row, state, trx);
    });
  }

  /** Releasing a released instance answers 000000 again, without the adapter (docs/marketplace/saas.md §4.5). */
  private async releaseInstance(sp: ServedInstances, req: Req<"releaseInstance">): Promise<Outcome> {
    const row = await this.instances.get(sp.product.id, req.instanceId);
    if (!row) throw callErrors.unknownInstance(req.instanceId);
    const step = this.step(sp, row, "release");
    if (!step.adapter) return success(undefined, { verdict: "resent", instanceId: row.instanceId, detail: "already released" });
    const request = { instanceId: row.instanceId, orderId: req.orderId, orderLineId: req.orderLineId };
    const started = await this.work.start(sp, { activity: req.activity, request }, req.test, this.context(sp, req.activity, row.instanceId, req.test));
    return this.answer(started, row.instanceId, async (trx) => {
      // the credentials are of no use any more: forget them
      await this.instances.update(sp.product.id, row.instanceId, { state: "released", appInfoSealed: null, updatedAt: this.clock.now() }, trx);
    });
  }

  /** Keyed on the upgrade's order line: a resend does not upgrade twice (docs/marketplace/saas.md §4.6). */
  private async upgradeInstance(sp: ServedInstances, req: Req<"upgradeInstance">): Promise<Outcome> {
    const row = await this.live(sp, req.instanceId);
    this.step(sp, row, "upgrade");
    const key = { productId: sp.product.id, activity: req.activity, idemKey: idempotencyKey([req.instanceId, req.orderId, req.orderLineId]) };
    return this.once.run(key, req.instanceId, async (instanceId) => {
      const request = { ...req.details, instanceId, orderId: req.orderId, orderLineId: req.orderLineId };
      const started = await this.work.start(sp, { activity: req.activity, request }, req.test, this.context(sp, req.activity, instanceId, req.test));
      return this.answer(started, instanceId, async (trx) => {
        await this.instances.update(sp.product.id, instanceId, { ...(req.details?.terms ? { terms: { ...row.terms, ...req.details.terms } } : {}), updatedAt: this.clock.now() }, trx);
      });
    });
  }

  /** The lifecycle step of `event` for this instance (core/lifecycle/table.ts); a released one answers 000003. */
  private step(sp: ServedInstances, row: InstanceRow, event: LifecycleEvent): Exclude<Step, "gone"> {
    const step = instanceStep(sp.product.protocol, row.state, event);
    if (step === "gone") throw callErrors.unknownInstance(row.instanceId);
    return step;
  }

  private async setState(sp: ServedInstances, row: InstanceRow, state: InstanceState, trx: Knex.Transaction): Promise<void> {
    await this.instances.update(sp.product.id, row.instanceId, { state, updatedAt: this.clock.now() }, trx);
  }

  /** A read-only check; a refusal is answered 000005 with the adapter's reason (code UNCONFIRMED, docs/marketplace/saas.md §4.7). */
  private async changeInstanceCheck(sp: ServedInstances, req: Req<"changeInstanceCheck">): Promise<Outcome> {
    const row = await this.live(sp, req.instanceId);
    const verdict = sp.adapter.changeInstanceCheck
      ? await sp.adapter.changeInstanceCheck(
          { instanceId: row.instanceId, productInfo: req.productInfo },
          this.context(sp, req.activity, row.instanceId, req.test),
        )
      : ({ accepted: true } as const);
    if (verdict.accepted) return success(undefined, { instanceId: row.instanceId });
    return { resultCode: RESULT_CODES.internalError, resultMsg: verdict.reason.slice(0, 255), verdict: "processed", instanceId: row.instanceId, detail: "change refused by the adapter" };
  }

  /**
   * A success answer whose state change commits with the event; when the adapter work is still
   * running (past the budget), its job row commits in the same transaction and the work goes on.
   */
  private answer(
    started: Started<unknown>,
    instanceId: string,
    commitState: ((trx: Knex.Transaction) => Promise<void>) | undefined,
    fields?: Record<string, unknown>,
    inserts?: Outcome["inserts"],
  ): Outcome {
    const enqueue = started.finished ? undefined : started.enqueue;
    return success(fields, {
      instanceId,
      inserts,
      commit:
        commitState || enqueue
          ? async (trx) => {
              await commitState?.(trx);
              await enqueue?.(trx);
            }
          : undefined,
      afterCommit: started.finished ? undefined : started.afterCommit,
      detail: started.finished ? undefined : deferredDetail(started),
    });
  }

  /** The instance, which must exist and be neither released nor failed (docs/marketplace/saas.md §6: 000003). */
  private async live(sp: ServedInstances, instanceId: string): Promise<InstanceRow> {
    const row = await this.instances.get(sp.product.id, instanceId);
    if (!row || row.state === "released" || row.state === "failed") throw callErrors.unknownInstance(instanceId);
    return row;
  }

  private context(sp: ServedInstances, activity: string, instanceId: string, test: boolean): AdapterContext {
    return adapterContext(sp.product, this.logger, { activity, instanceId, test });
  }
}
