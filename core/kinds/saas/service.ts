/**
 * The SaaS 2.0 production interface (POST /produce/<id>) as a signed interface of the call pipeline
 * (core/serving/pipeline.ts). Order of checks (docs/marketplace/saas.md §2.1): timestamp and nonce present, timestamp in
 * the window, signature over the raw bytes (then the canonical forms), nonce not seen before; only then
 * is the body parsed.
 */
import { verifyBasicCall } from "../../serving/basic-call.js";
import { injectable } from "tsyringe";
import { marketplaceRefusal } from "../../serving/refusal.js";
import type { Incoming, SignedInterface, Verified } from "../../serving/pipeline.js";
import { InstanceActivities } from "../../instances/activities.js";
import { parseInstanceRequest, peekBody, type InstanceRequest } from "../../instances/requests.js";
import type { SaasAdapter } from "./adapter.js";
import type { SaasProduct, ServedSaasProduct } from "./product.js";

@injectable()
export class SaasV2Interface implements SignedInterface<SaasProduct, SaasAdapter, Verified, InstanceRequest> {
  readonly scope = "saas-v2";
  readonly readsBody = true;
  readonly refuse = marketplaceRefusal;

  constructor(private readonly activities: InstanceActivities) {}

  verify(input: Incoming, product: SaasProduct): Verified {
    return verifyBasicCall(input, product.keys.basic);
  }

  peek(input: Incoming) {
    return peekBody(input.rawBody);
  }

  parse(input: Incoming): InstanceRequest {
    return parseInstanceRequest(input.rawBody);
  }

  run(served: ServedSaasProduct, req: InstanceRequest) {
    return this.activities.dispatch(served, req);
  }

  answerKey(product: SaasProduct): string {
    return product.keys.basic[0]!;
  }

  logFields(v: Verified | undefined) {
    return { signed: v?.signed };
  }
}
