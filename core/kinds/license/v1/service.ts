/**
 * The 1.0 licence production interface (docs/marketplace/license.md §4) as a signed interface of the call pipeline: GET
 * with the SaaS 1.0 `authToken` over the raw query (core/signing/auth-token.ts) and its timeStamp window
 * (imported from the SaaS 1.0 interface: one rule), and a Body-Sign on every answer made with the key
 * that verified the call (UNCONFIRMED for License, §8 item 8: signed as SaaS 1.0 answers are — a
 * marketplace that does not read the header loses nothing).
 *
 * getLicense answers `instanceId` and the `license` string; a resend of the order answers the same
 * ones, read from the sealed store (the cached answer never holds the licence).
 */
import { inject, injectable } from "tsyringe";
import { callErrors, CallError } from "../../../errors.js";
import type { Incoming, SignedInterface } from "../../../serving/pipeline.js";
import { checkTimeStamp, peekV1Call, v1AnswerKey, verifyV1Call, type V1Verified } from "../../../serving/v1-call.js";
import type { Outcome } from "../../../serving/outcome.js";
import { marketplaceRefusal } from "../../../serving/refusal.js";
import { LOGGER, type Logger } from "../../../tokens.js";
import { RESULT_CODES } from "../../../vocabulary.js";
import type { V1LicenseAdapter } from "../adapter.js";
import { ISSUED_TABLE, IssuedLicenseStore, openLicense } from "../issued.js";
import type { LicenseProduct } from "../product.js";
import { v1LicenseKey, V1LicenseActivities, type ServedV1 } from "./activities.js";
import { isV1LicenseActivity, parseV1LicenseRequest, type V1LicenseRequest } from "./requests.js";

@injectable()
export class V1LicenseInterface implements SignedInterface<LicenseProduct, V1LicenseAdapter, V1Verified, V1LicenseRequest> {
  readonly scope = "license-v1";
  readonly readsBody = false;
  readonly refuse = marketplaceRefusal;

  constructor(
    private readonly activities: V1LicenseActivities,
    private readonly issued: IssuedLicenseStore,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  verify(input: Incoming, product: LicenseProduct): V1Verified {
    return verifyV1Call(input, product, this.logger);
  }

  peek(_input: Incoming, v: V1Verified) {
    return peekV1Call(v);
  }

  parse(input: Incoming, v: V1Verified): V1LicenseRequest {
    checkTimeStamp(v.params.get("timeStamp")!, input.nowMs);
    const activity = v.params.get("activity") ?? "";
    if (!isV1LicenseActivity(activity)) throw callErrors.param("param is invalid: unknown activity", `unknown 1.0 licence activity ${JSON.stringify(activity.slice(0, 32))}`);
    return parseV1LicenseRequest(activity, v.params);
  }

  async run(served: ServedV1, req: V1LicenseRequest): Promise<Outcome> {
    const outcome = await this.activities.dispatch(served, req);
    if (req.activity !== "getLicense" || outcome.resultCode !== RESULT_CODES.success || !outcome.instanceId) return outcome;
    // a first delivery: the row about to be inserted; a resend: the row the first one stored
    const inserting = outcome.inserts?.find((i) => i.table === ISSUED_TABLE)?.row.license_sealed as string | null | undefined;
    const sealed = inserting ?? (await this.issued.get(served.product.id, v1LicenseKey(outcome.instanceId)))?.licenseSealed;
    if (!sealed) {
      const late = new CallError(RESULT_CODES.internalError, "the licence is still being issued; resend", "the adapter is still issuing the licence");
      return { ...outcome, resultCode: late.resultCode, resultMsg: late.message, body: undefined, fields: undefined, verdict: "failed", detail: late.detail };
    }
    const licence = openLicense(served.product, sealed);
    const head = { resultCode: "000000", resultMsg: "success.", instanceId: outcome.instanceId };
    return { ...outcome, body: JSON.stringify({ ...head, license: "characters" in licence ? licence.characters : "" }), loggedBody: JSON.stringify({ ...head, license: "***" }) };
  }

  answerKey(product: LicenseProduct, v: V1Verified | undefined): string {
    return v1AnswerKey(product, v);
  }

  logFields() {
    return { protocol: "v1" };
  }
}
