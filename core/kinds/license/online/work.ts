/**
 * getLicenseAsync's work through the outbox (docs/marketplace/license.md §3.5, §3.7): the adapter issues the licence
 * (within the budget, or past it from the outbox), then a second job uploads it for the eventId with
 * the string / file upload open API. Two jobs, so a crash between issue and upload never issues again:
 * the stored licence is what is uploaded, once the upload job runs after the restart.
 */
import { injectable } from "tsyringe";
import type { Knex } from "knex";
import { MarketplaceClient } from "../../../marketplace/client.js";
import type { JobHandler } from "../../../outbox/handlers.js";
import { Outbox, type Started } from "../../../outbox/outbox.js";
import { startAdapterWork } from "../../../outbox/provisioning.js";
import type { Job } from "../../../store/jobs.js";
import type { AdapterContext } from "../../../serving/adapter-context.js";
import type { IssuedLicense, IssueLicenseRequest, OnlineLicenseAdapter } from "../adapter.js";
import { licenseContext, openPayload, sealPayload, type ServedLicense } from "../context.js";
import { IssuedLicenseStore, openLicense, sealLicense } from "../issued.js";
import type { LicenseProduct } from "../product.js";

/** What an issue job carries (sealed: the fingerprint identifies a device). */
interface IssuePayload {
  requestKey: string;
  request: IssueLicenseRequest;
}

/** The upload job's type, and its dedupe key per application. */
export const UPLOAD_JOB = "uploadLicense";
const uploadKey = (requestKey: string) => `upload:${requestKey}`;

type Handlers = Record<string, JobHandler<LicenseProduct, OnlineLicenseAdapter>>;

@injectable()
export class LicenseIssueWork {
  constructor(
    private readonly outbox: Outbox,
    private readonly issued: IssuedLicenseStore,
    private readonly marketplace: MarketplaceClient,
  ) {}

  /**
   * Asks the adapter for the licence for at most the product's budget.
   * @throws AdapterFailure wrapping what it threw within the budget (a CallError keeps its code)
   */
  async start(served: ServedLicense<{ issueLicense: OnlineLicenseAdapter["issueLicense"] }>, activity: string, requestKey: string, request: IssueLicenseRequest, test: boolean, ctx: AdapterContext): Promise<Started<IssuedLicense>> {
    const spec = { activity, instanceId: request.instanceId, payload: () => sealPayload(served.product, { requestKey, request } satisfies IssuePayload), test };
    return startAdapterWork(this.outbox, served, spec, () => served.adapter.issueLicense(request, ctx));
  }

  /** Queues the upload of a stored licence, once per application; call inside the transaction that stores it. */
  enqueueUpload(p: LicenseProduct, job: { requestKey: string; eventId: string; instanceId: string; test: boolean }, trx: Knex.Transaction): Promise<boolean> {
    const payload = JSON.stringify({ requestKey: job.requestKey, eventId: job.eventId });
    return this.outbox.enqueue({ productId: p.id, activity: UPLOAD_JOB, instanceId: job.instanceId, payload, test: job.test, dedupeKey: uploadKey(job.requestKey) }, trx);
  }

  /** Runs due jobs now rather than at the next poll (an upload just queued). */
  nudge(): void {
    void this.outbox.tick();
  }

  /** The issue job (`activity`) and the upload job. */
  handlers(activity: string, options: { upload: boolean }): Handlers {
    const policy = (s: ServedLicense) => s.product.provisioning;
    const handlers: Handlers = {
      [activity]: {
        policy,
        run: (s, job: Job, logger) => {
          const p = openPayload<IssuePayload>(s.product, job.payload);
          return s.adapter.issueLicense(p.request, licenseContext(s.product, logger, job));
        },
        succeeded: async (s, job, result, nowMs, trx) => {
          const p = openPayload<IssuePayload>(s.product, job.payload);
          await this.issued.setIssued(s.product.id, p.requestKey, sealLicense(s.product, result as IssuedLicense), nowMs, trx);
          if (options.upload) await this.enqueueUpload(s.product, { requestKey: p.requestKey, eventId: p.request.eventId, instanceId: job.instanceId, test: job.test }, trx);
        },
        gaveUp: async (s, job, nowMs, trx) => {
          await this.issued.setState(s.product.id, openPayload<IssuePayload>(s.product, job.payload).requestKey, "failed", nowMs, trx);
        },
      },
    };
    if (options.upload) {
      handlers[UPLOAD_JOB] = {
        // an upload is retried for as long as the adapter work would be
        policy,
        run: (s, job) => this.upload(s.product, JSON.parse(job.payload) as { requestKey: string; eventId: string }),
        succeeded: async (s, job, _result, nowMs, trx) => {
          await this.issued.setState(s.product.id, (JSON.parse(job.payload) as { requestKey: string }).requestKey, "uploaded", nowMs, trx);
        },
      };
    }
    return handlers;
  }

  /** @throws Error saying why the marketplace did not take it (the job is retried) */
  private async upload(p: LicenseProduct, job: { requestKey: string; eventId: string }): Promise<void> {
    const row = await this.issued.get(p.id, job.requestKey);
    if (!row?.licenseSealed) throw new Error("no issued licence stored for this application");
    const licence = openLicense(p, row.licenseSealed);
    const r =
      "characters" in licence
        ? await this.marketplace.uploadCharacters({ eventId: job.eventId, characters: licence.characters })
        : await this.marketplace.uploadFile({ eventId: job.eventId, fileName: licence.fileName, content: licence.content });
    if (!r.ok) throw new Error(`the marketplace refused the upload: ${r.code} (${r.kind}) ${r.message}`);
  }
}
