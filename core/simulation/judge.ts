/**
 * Checks one answer the way the marketplace would: HTTP 200 (docs/marketplace/saas.md §1), a `Body-Sign` that verifies
 * over the exact bytes received (docs/marketplace/saas.md §3, with core/signing/body-sign.ts), JSON with a result code of
 * docs/marketplace/saas.md §6 that the step expects, the fields its activity must carry (an instanceId for newInstance,
 * `info` for queryInstance), the same instanceId as the first delivery on a resend, and credentials
 * that decrypt when `encryptType` is present (docs/marketplace/saas.md §7, with core/crypto/credential.ts), and whatever
 * else the step's scenario checks (`Expectation.checks`: a kind's own answers, e.g. a 1.0 newInstance's appInfo).
 */
import { decryptCredential } from "../crypto/credential.js";
import { verifyBodySign } from "../signing/body-sign.js";
import { refusalOf } from "../signing/signature-error.js";
import { resultCodes } from "../kinds/registry.js";
import { RESULT_CODES, type EncryptType, type ResultCode } from "../vocabulary.js";
import type { WireReply, WireRequest } from "./wire.js";


/** What a step expects of its answer. */
export interface Expectation {
  /** result codes that pass */
  codes: readonly ResultCode[];
  /**
   * An API gateway's call (docs/marketplace/api-image-openapi.md §6) has no result code nor Body-Sign: when given, the
   * answer is judged by its HTTP status alone, with this test (null = pass, else the failure)
   */
  httpStatus?: (status: number) => string | null;
  /** the instanceId a newInstance answer must carry (a resend must get the first delivery's) */
  instanceId?: string;
  /** a queryInstance answer must carry an `info` entry for this instance */
  instanceInInfo?: string;
  /**
   * what a kind's scenario checks besides, on a successful answer (a 1.0 newInstance's encrypted
   * appInfo, core/kinds/saas/scenarios/answers.ts), after the checks of its activity
   */
  checks?: readonly AnswerCheck[];
}

/**
 * A check of a successful answer: `answer` is its parsed body, `key` the key its Body-Sign verified
 * with; it adds every failure to `j.failures` (and what it saw, e.g. `j.withCredentials`).
 */
export type AnswerCheck = (answer: Record<string, unknown>, key: string, j: Judgement) => void;

/** What was read from an answer, and every reason it fails. */
export interface Judgement {
  /** empty when the answer passed */
  failures: string[];
  resultCode?: string;
  resultMsg?: string;
  /** the instanceId the answer named (newInstance), if any */
  instanceId?: string;
  /** for queryInstance: the instances answered with sign-in credentials */
  withCredentials: string[];
  /** the parsed body, when it was JSON */
  json?: Record<string, unknown>;
}

/** Judges `reply` to `req` against `expect`. Pure: no I/O. */
export function judge(activity: string, req: WireRequest, reply: WireReply, expect: Expectation): Judgement {
  const j: Judgement = { failures: [], withCredentials: [] };
  if (reply.error !== undefined) {
    j.failures.push(`no answer: ${reply.error}`);
    return j;
  }
  if (expect.httpStatus) {
    const failure = expect.httpStatus(reply.status);
    if (failure) j.failures.push(failure);
    return j;
  }
  if (reply.status !== 200) j.failures.push(`HTTP ${reply.status}, expected 200 (docs/marketplace/saas.md §1)`);
  const sign = refusalOf(() => verifyBodySign(reply.bodySign, reply.bytes, req.replyKeys));
  if (sign) j.failures.push(`${sign.message} (docs/marketplace/saas.md §3)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(reply.bytes.toString("utf8"));
  } catch {
    j.failures.push("the body is not JSON");
    return j;
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    j.failures.push("the body is not a JSON object");
    return j;
  }
  const o = (j.json = parsed as Record<string, unknown>);
  if (typeof o.resultMsg === "string") j.resultMsg = o.resultMsg;
  if (typeof o.resultCode !== "string") {
    j.failures.push("resultCode is missing or not a string (docs/marketplace/saas.md §4)");
    return j;
  }
  j.resultCode = o.resultCode;
  // the core's codes and every registered kind's own (a licence's 0009xx, a test kind's)
  if (!(resultCodes() as readonly string[]).includes(o.resultCode)) j.failures.push(`resultCode ${o.resultCode} is not a marketplace result code (docs/marketplace/saas.md §6)`);
  else if (!(expect.codes as readonly string[]).includes(o.resultCode)) {
    j.failures.push(`resultCode ${o.resultCode}, expected ${expect.codes.join(" or ")}${j.resultMsg ? ` (resultMsg "${j.resultMsg.slice(0, 80)}")` : ""}`);
  }
  if (o.resultMsg !== undefined && (typeof o.resultMsg !== "string" || o.resultMsg.length > 255)) {
    j.failures.push("resultMsg must be a string of at most 255 characters (docs/marketplace/saas.md §4)");
  }
  if (o.resultCode === "000000") {
    if (activity === "newInstance") checkNewInstance(o, expect, j);
    if (activity === "queryInstance") checkQueryInstance(o, expect, req.replyKeys[0]!, j);
    for (const check of expect.checks ?? []) check(o, req.replyKeys[0]!, j);
  }
  return j;
}

function checkNewInstance(o: Record<string, unknown>, expect: Expectation, j: Judgement) {
  if (typeof o.instanceId !== "string" || o.instanceId === "" || o.instanceId.length > 64) {
    j.failures.push("a successful newInstance must answer an instanceId of 1 to 64 characters (docs/marketplace/saas.md §4.1)");
    return;
  }
  j.instanceId = o.instanceId;
  if (expect.instanceId !== undefined && o.instanceId !== expect.instanceId) {
    j.failures.push(`instanceId ${o.instanceId} differs from the first delivery's ${expect.instanceId}: a resend must get the same one (docs/marketplace/saas.md §4.1)`);
  }
}

function checkQueryInstance(o: Record<string, unknown>, expect: Expectation, key: string, j: Judgement) {
  const info = o.info ?? [];
  if (!Array.isArray(info)) {
    j.failures.push("info must be an array of InstanceInfo (docs/marketplace/saas.md §4.2)");
    return;
  }
  const seen = new Set<string>();
  for (const entry of info as unknown[]) {
    const e = (entry && typeof entry === "object" ? entry : {}) as Record<string, unknown>;
    if (typeof e.instanceId !== "string" || e.instanceId === "") {
      j.failures.push("an info entry has no instanceId (docs/marketplace/saas.md §4.2)");
      continue;
    }
    seen.add(e.instanceId);
    if (e.appInfo === undefined) continue;
    if (!e.appInfo || typeof e.appInfo !== "object") {
      j.failures.push(`appInfo of ${e.instanceId} is not an object (docs/marketplace/saas.md §4.2)`);
      continue;
    }
    const problem = credentialProblem(e.appInfo as Record<string, unknown>, e.encryptType, key);
    if (problem) j.failures.push(`${e.instanceId}: ${problem}`);
    else j.withCredentials.push(e.instanceId);
  }
  if (expect.instanceInInfo !== undefined && !seen.has(expect.instanceInInfo)) {
    j.failures.push(`info has no entry for ${expect.instanceInInfo}`);
  }
}

/** null when the appInfo fields are strings and, with an `encryptType`, userName/password decrypt. */
export function credentialProblem(appInfo: Record<string, unknown>, encryptType: unknown, key: string): string | null {
  for (const f of ["frontEndUrl", "adminUrl", "userName", "password", "memo"]) {
    if (appInfo[f] !== undefined && typeof appInfo[f] !== "string") return `appInfo.${f} is not a string (docs/marketplace/saas.md §4.2)`;
  }
  if (encryptType === undefined) return null;
  if (encryptType !== "1" && encryptType !== "2") return `encryptType ${JSON.stringify(encryptType)} is neither "1" nor "2" (docs/marketplace/saas.md §7)`;
  const type = Number(encryptType) as EncryptType;
  for (const f of ["userName", "password"] as const) {
    const v = appInfo[f];
    if (typeof v !== "string") continue;
    try {
      decryptCredential(v, { accessKey: key, encryptType: type });
    } catch {
      return `appInfo.${f} does not decrypt with the product's key and encryptType ${type} (docs/marketplace/saas.md §7)`;
    }
  }
  return null;
}
