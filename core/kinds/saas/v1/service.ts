/**
 * The SaaS 1.0 (legacy GET) production interface (saas.md §2.3, §9), independent of any HTTP
 * framework: takes the RAW query string, returns the exact response text and the key to sign it with
 * (a `Body-Sign` is mandatory on every 1.0 answer, saas.md §3).
 *
 * Order of checks: authToken over the raw query (decoded values first, then raw — the form that
 * matched is logged), timeStamp inside the window, activity and parameters. 1.0 has no nonce, so a
 * replay inside the window is nothing but a resend, and every activity is idempotent (activities.ts).
 */
import { inject, injectable } from "tsyringe";
import { callErrors, describeError } from "../../../errors.js";
import { verifyAuthToken } from "../../../signing/auth-token.js";
import { EventLog } from "../../../store/events.js";
import { GroupCommit } from "../../../store/group-commit.js";
import { INSTANCES_TABLE, InstanceStore } from "../../../store/instances.js";
import { parseMarketplaceTime } from "../../../time.js";
import { CLOCK, LOGGER, type Clock, type Logger } from "../../../tokens.js";
import { isSaasV1Activity } from "../../../vocabulary.js";
import { SaasActivities, type ServedSaasProduct } from "../activities.js";
import { redactAppInfo, wireAppInfo } from "../app-info.js";
import { logCall } from "../call-context.js";
import { failureOutcome, responseBody, type Outcome } from "../outcome.js";
import { mapV1Request } from "./requests.js";

/**
 * How far a 1.0 `timeStamp` may be from the server's clock, either way. The 1.0 skew is UNCONFIRMED
 * (saas.md §2.3): five minutes, wider than 2.0's documented 60 s (§2.1) because a 1.0 call carries no
 * nonce to make a narrow window worth its false refusals, and every 1.0 activity is idempotent, so a
 * replay inside the window changes nothing.
 */
export const V1_TOLERANCE_MS = 5 * 60_000;

export interface V1Answer {
  /** the exact response text */
  body: string;
  /** index of the basic key to sign it with: the one that verified the call, else the current one */
  keyIndex: number;
}

@injectable()
export class SaasV1Service {
  constructor(
    private readonly commits: GroupCommit,
    private readonly events: EventLog,
    private readonly instances: InstanceStore,
    private readonly activities: SaasActivities,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Serves one 1.0 call; never throws. */
  async handle(sp: ServedSaasProduct, rawQuery: string): Promise<V1Answer> {
    const startedAt = this.clock.now();
    const t0 = performance.now();
    const p = sp.product;
    let keyIndex = 0;
    let activity = "";
    let instanceId: string | undefined;
    let test = false;
    let newInstance = false;
    let outcome: Outcome;
    try {
      const v = verifyAuthToken(rawQuery, p.keys.basic);
      keyIndex = v.keyIndex;
      activity = (v.params.get("activity") ?? "").slice(0, 32);
      instanceId = v.params.get("instanceId")?.slice(0, 64);
      test = v.params.get("testFlag") === "1";
      this.logger.debug("authToken matched", { product: p.id, form: v.form, keyIndex: v.keyIndex });
      checkTimeStamp(v.params.get("timeStamp")!, startedAt);
      if (!isSaasV1Activity(activity)) throw callErrors.param("param is invalid: unknown activity", `unknown 1.0 activity ${JSON.stringify(activity)}`);
      const req = mapV1Request(activity, v.params, { product: p, accessKey: p.keys.basic[keyIndex]!, logger: this.logger });
      newInstance = req.activity === "newInstance";
      outcome = await this.activities.dispatch(sp, req);
    } catch (err) {
      outcome = failureOutcome(err, "rejected");
    }
    let body = responseBody(outcome);
    try {
      let logged = outcome.loggedBody ?? body;
      if (newInstance && outcome.resultCode === "000000" && outcome.instanceId) {
        [body, logged] = await this.newInstanceAnswer(sp, outcome.instanceId, outcome);
      }
      await this.commits.commit({
        apply: outcome.commit,
        inserts: outcome.inserts,
        completes: outcome.completes,
        event: this.event(sp, activity, instanceId, test, outcome, logged, startedAt, t0),
      });
      outcome.afterCommit?.();
    } catch (err) {
      await outcome.onCommitFailure?.().catch(() => undefined);
      outcome = { resultCode: "000005", verdict: "failed", instanceId: outcome.instanceId, detail: `could not store the outcome (${describeError(err)})` };
      body = responseBody(outcome);
      await this.events.append(this.event(sp, activity, instanceId, test, outcome, body, startedAt, t0)).catch(() => undefined);
    }
    const fields = { product: p.id, protocol: "v1", activity: activity || undefined, instanceId: outcome.instanceId ?? instanceId, resultCode: outcome.resultCode, verdict: outcome.verdict, detail: outcome.detail, test: test || undefined };
    logCall(this.logger, outcome.verdict, fields);
    return { body, keyIndex };
  }

  /**
   * The 1.0 newInstance answer (saas.md §9): instanceId (never encrypted), encryptType, and appInfo
   * with userName/password AES-encrypted (saas.md §7), built from what the instance row holds, so a
   * resend answers the same credentials (under a fresh IV). @returns [body, body for the event log]
   */
  private async newInstanceAnswer(sp: ServedSaasProduct, instanceId: string, outcome: Outcome): Promise<[string, string]> {
    // a first delivery: the row about to be inserted; a resend: the row stored by the first one
    const inserting = outcome.inserts?.find((i) => i.table === INSTANCES_TABLE)?.row;
    const sealed = inserting
      ? ((inserting.app_info_sealed as string | null) ?? null)
      : ((await this.instances.get(sp.product.id, instanceId))?.appInfoSealed ?? null);
    // Past the provisioning budget there is no appInfo yet: the answer carries instanceId and
    // encryptType only, and queryInstance answers the credentials once they exist.
    const appInfo = sealed ? wireAppInfo(sp.product, sealed) : undefined;
    const head = { resultCode: "000000", resultMsg: "success.", instanceId, encryptType: String(sp.product.encryptType) };
    return [JSON.stringify(appInfo ? { ...head, appInfo } : head), JSON.stringify(appInfo ? { ...head, appInfo: redactAppInfo(appInfo) } : head)];
  }

  private event(sp: ServedSaasProduct, activity: string, instanceId: string | undefined, test: boolean, o: Outcome, response: string, at: number, t0: number) {
    return {
      at,
      productId: sp.product.id,
      activity,
      instanceId: o.instanceId ?? instanceId ?? null,
      idemKey: o.idemKey ?? null,
      verdict: o.verdict,
      resultCode: o.resultCode,
      response,
      durationMs: performance.now() - t0,
      test,
      detail: o.detail ?? null,
    };
  }
}

/** @throws CallError 000002 when timeStamp is not a real UTC yyyyMMddHHmmssSSS or is outside the window */
function checkTimeStamp(value: string, nowMs: number): void {
  const t = parseMarketplaceTime(value);
  if (!t) throw callErrors.param("param is invalid: timeStamp is not yyyyMMddHHmmssSSS");
  const skew = nowMs - t.getTime();
  if (skew > V1_TOLERANCE_MS) throw callErrors.param("timeStamp is too old", `timeStamp ${skew} ms in the past`);
  if (-skew > V1_TOLERANCE_MS) throw callErrors.param("timeStamp is in the future", `timeStamp ${-skew} ms ahead`);
}
