/**
 * The SaaS 1.0 (legacy GET) production interface (docs/marketplace/saas.md §2.3, §9) as a signed interface of the call
 * pipeline: the `authToken` is checked over the RAW query string, and every answer carries a Body-Sign
 * (mandatory on 1.0, docs/marketplace/saas.md §3) made with the key that verified the call.
 *
 * Order of checks: authToken over the raw query (decoded values first, then raw — the form that
 * matched is logged), timeStamp inside the window, activity and parameters. 1.0 has no nonce, so a
 * replay inside the window is nothing but a resend, and every activity is idempotent (activities.ts).
 */
import { inject, injectable } from "tsyringe";
import { callErrors } from "../../../errors.js";
import { marketplaceRefusal } from "../../../serving/refusal.js";
import type { Incoming, SignedInterface } from "../../../serving/pipeline.js";
import { checkTimeStamp, peekV1Call, v1AnswerKey, verifyV1Call, type V1Verified } from "../../../serving/v1-call.js";
import type { Outcome } from "../../../serving/outcome.js";
import { INSTANCES_TABLE, InstanceStore } from "../../../store/instances.js";
import { LOGGER, type Logger } from "../../../tokens.js";
import { isSaasV1Activity } from "../vocabulary.js";
import { InstanceActivities } from "../../../instances/activities.js";
import type { SaasAdapter } from "../adapter.js";
import { redactAppInfo, wireAppInfo } from "../../../instances/app-info.js";
import type { InstanceRequest } from "../../../instances/requests.js";
import type { SaasProduct, ServedSaasProduct } from "../product.js";
import { mapV1Request } from "./requests.js";

@injectable()
export class SaasV1Interface implements SignedInterface<SaasProduct, SaasAdapter, V1Verified, InstanceRequest> {
  readonly scope = "saas-v1";
  readonly readsBody = false;
  readonly refuse = marketplaceRefusal;

  constructor(
    private readonly instances: InstanceStore,
    private readonly activities: InstanceActivities,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  verify(input: Incoming, product: SaasProduct): V1Verified {
    return verifyV1Call(input, product, this.logger);
  }

  peek(_input: Incoming, v: V1Verified) {
    return peekV1Call(v);
  }

  parse(_input: Incoming, v: V1Verified, served: ServedSaasProduct): InstanceRequest {
    checkTimeStamp(v.params.get("timeStamp")!, _input.nowMs);
    const activity = v.params.get("activity") ?? "";
    if (!isSaasV1Activity(activity)) throw callErrors.param("param is invalid: unknown activity", `unknown 1.0 activity ${JSON.stringify(activity.slice(0, 32))}`);
    const p = served.product;
    return mapV1Request(activity, v.params, { product: p, accessKey: p.keys.basic[v.keyIndex]!, logger: this.logger });
  }

  async run(served: ServedSaasProduct, req: InstanceRequest): Promise<Outcome> {
    const outcome = await this.activities.dispatch(served, req);
    if (req.activity !== "newInstance" || outcome.resultCode !== "000000" || !outcome.instanceId) return outcome;
    const [body, loggedBody] = await this.newInstanceAnswer(served, outcome.instanceId, outcome);
    return { ...outcome, body, loggedBody };
  }

  answerKey(product: SaasProduct, v: V1Verified | undefined): string {
    return v1AnswerKey(product, v);
  }

  logFields() {
    return { protocol: "v1" };
  }

  /**
   * The 1.0 newInstance answer (docs/marketplace/saas.md §9): instanceId (never encrypted), encryptType, and appInfo
   * with userName/password AES-encrypted (docs/marketplace/saas.md §7), built from what the instance row holds, so a
   * resend answers the same credentials (under a fresh IV). @returns [body, body for the event log]
   */
  private async newInstanceAnswer(sp: ServedSaasProduct, instanceId: string, outcome: Outcome): Promise<[string, string]> {
    // a first delivery: the row about to be inserted; a resend: the row stored by the first one
    const inserting = outcome.inserts?.find((i) => i.table === INSTANCES_TABLE)?.row;
    const sealed = inserting
      ? InstanceStore.fromRow(inserting).appInfoSealed
      : ((await this.instances.get(sp.product.id, instanceId))?.appInfoSealed ?? null);
    // Past the provisioning budget there is no appInfo yet: the answer carries instanceId and
    // encryptType only, and queryInstance answers the credentials once they exist.
    const appInfo = sealed ? wireAppInfo(sp.product, sealed) : undefined;
    const head = { resultCode: "000000", resultMsg: "success.", instanceId, encryptType: String(sp.product.encryptType) };
    return [JSON.stringify(appInfo ? { ...head, appInfo } : head), JSON.stringify(appInfo ? { ...head, appInfo: redactAppInfo(appInfo) } : head)];
  }
}
