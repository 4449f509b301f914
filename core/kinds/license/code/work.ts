/**
 * Authorization-code adapter work that can outlive the deadline: the three calls of license.md §2.2
 * run through the outbox like SaaS work (core/kinds/saas/work.ts), their payloads sealed (a code is a
 * bearer credential).
 */
import { injectable } from "tsyringe";
import type { Logger } from "../../../logger.js";
import type { JobHandler } from "../../../outbox/handlers.js";
import { Outbox, type Started } from "../../../outbox/outbox.js";
import { AdapterFailure } from "../../../serving/outcome.js";
import type { Job } from "../../../store/jobs.js";
import type { AdapterContext } from "../../saas/adapter.js";
import type { CodeRequest as AdapterCodeRequest, LicenseCodeAdapter, RenewCodeRequest, RevokeCodeRequest } from "../adapter.js";
import { licenseContext, openPayload, sealPayload, type ServedLicense } from "../context.js";
import type { LicenseProduct } from "../product.js";

export type CodeCall =
  | { activity: "refreshLicenseCode"; request: RenewCodeRequest }
  | { activity: "updateLicenseCodeStatus"; request: AdapterCodeRequest & { status: "FREEZE" | "UNFREEZE" } }
  | { activity: "releaseLicenseCode"; request: RevokeCodeRequest };

type ServedCode = ServedLicense<LicenseCodeAdapter>;

function invoke(adapter: LicenseCodeAdapter, call: CodeCall, ctx: AdapterContext): Promise<void> {
  switch (call.activity) {
    case "refreshLicenseCode":
      return adapter.renewCode(call.request, ctx);
    case "updateLicenseCodeStatus":
      return call.request.status === "FREEZE" ? adapter.freezeCode({ license: call.request.license }, ctx) : adapter.unfreezeCode({ license: call.request.license }, ctx);
    case "releaseLicenseCode":
      return adapter.revokeCode(call.request, ctx);
  }
}

function revive(activity: string, request: Record<string, unknown>): CodeCall {
  switch (activity) {
    case "refreshLicenseCode":
      return { activity, request: { ...(request as unknown as RenewCodeRequest), expireAt: new Date(String(request.expireAt)) } };
    case "updateLicenseCodeStatus":
    case "releaseLicenseCode":
      return { activity, request: request as never };
    default:
      throw new Error(`not an authorization-code job type: ${activity}`);
  }
}

@injectable()
export class CodeWork {
  constructor(private readonly outbox: Outbox) {}

  /**
   * Calls the adapter for at most the product's budget; past it the answer goes out and the work goes on
   * from the outbox. @throws AdapterFailure wrapping what the adapter threw within the budget
   */
  async start(served: ServedCode, call: CodeCall, ref: string, test: boolean, ctx: AdapterContext): Promise<Started<void>> {
    const spec = { activity: call.activity, instanceId: ref, payload: sealPayload(served.product, call.request), test };
    try {
      return await this.outbox.start(served, spec, invoke(served.adapter, call, ctx), served.product.provisioning.budgetMs);
    } catch (err) {
      throw new AdapterFailure(err);
    }
  }

  /** One handler per call; the answer already committed the code's state change. */
  handlers(): Record<string, JobHandler<LicenseProduct, LicenseCodeAdapter>> {
    const handler: JobHandler<LicenseProduct, LicenseCodeAdapter> = {
      policy: (served) => served.product.provisioning,
      run: (served, job: Job, logger: Logger) =>
        invoke(served.adapter, revive(job.activity, openPayload(served.product, job.payload)), licenseContext(served.product, logger, job)),
    };
    return { refreshLicenseCode: handler, updateLicenseCodeStatus: handler, releaseLicenseCode: handler };
  }
}
