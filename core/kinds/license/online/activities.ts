/**
 * getLicenseAsync (docs/marketplace/license.md §3.5): answered at once; the adapter issues the licence for the device and
 * koogate uploads it for the eventId (online/work.ts). Keyed on (eventId, deviceFingerprint): the same
 * application resent gets the same licence, uploaded once, however many deliveries overlap.
 *
 * UNCONFIRMED (docs/marketplace/license.md §8 item 6): whether the answer should be `000000` or `000004` (asynchronous).
 * koogate answers `000000` once the application is durably recorded: every code other than `000000` is
 * documented as a failure that KooGallery retries (§8 item 10), and the licence itself travels by upload.
 */
import { inject, injectable } from "tsyringe";
import { callErrors } from "../../../errors.js";
import { RunOnce } from "../../../serving/once.js";
import { success, type Outcome } from "../../../serving/outcome.js";
import { InstanceStore } from "../../../store/instances.js";
import { CLOCK, LOGGER, type Clock, type Logger } from "../../../tokens.js";
import type { IssueLicenseRequest } from "../adapter.js";
import { licenseContext, type ServedOnline } from "../context.js";
import { ISSUED_TABLE, IssuedLicenseStore, requestKey, sealLicense } from "../issued.js";
import type { GetLicenseAsyncRequest } from "./requests.js";
import { LicenseIssueWork } from "./work.js";

export const ISSUE_JOB = "getLicenseAsync";

@injectable()
export class GetLicenseAsync {
  constructor(
    private readonly instances: InstanceStore,
    private readonly once: RunOnce,
    private readonly work: LicenseIssueWork,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  async run(so: ServedOnline, req: GetLicenseAsyncRequest): Promise<Outcome> {
    const p = so.product;
    const instance = await this.instances.get(p.id, req.instanceId);
    if (!instance || instance.state === "released" || instance.state === "failed") throw callErrors.unknownInstance(req.instanceId);
    const key = requestKey([req.eventId, req.deviceFingerprint]);
    return this.once.run({ productId: p.id, activity: req.activity, idemKey: key }, req.instanceId, async (instanceId) => {
      const request: IssueLicenseRequest = {
        instanceId,
        eventId: req.eventId,
        deviceFingerprint: req.deviceFingerprint,
        effectiveTime: req.effectiveTime,
        expireTime: req.expireTime,
      };
      const ctx = licenseContext(p, this.logger, { activity: req.activity, instanceId, test: req.test });
      const started = await this.work.start(so, ISSUE_JOB, key, request, req.test, ctx);
      const nowMs = this.clock.now();
      const sealed = started.finished ? sealLicense(p, started.result) : null;
      const row = IssuedLicenseStore.row({ productId: p.id, requestKey: key, instanceId, eventId: req.eventId, state: sealed ? "issued" : "issuing", sealed, test: req.test, nowMs });
      return success(undefined, {
        instanceId,
        inserts: [{ table: ISSUED_TABLE, row }],
        commit: async (trx) => {
          if (started.finished) await this.work.enqueueUpload(p, { requestKey: key, eventId: req.eventId, instanceId, test: req.test }, trx);
          else await started.enqueue(trx);
        },
        afterCommit: started.finished ? () => this.work.nudge() : started.afterCommit,
        detail: started.finished ? "licence issued; its upload is queued" : "answered within the budget; the licence is issued from the outbox, then uploaded",
      });
    });
  }
}
