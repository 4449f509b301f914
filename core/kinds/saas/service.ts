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
import { SaasActivities, type ServedSaasProduct } from "./activities.js";
import type { SaasAdapter } from "./adapter.js";
import type { SaasProduct } from "./product.js";
import { parseSaasRequest, peek, type SaasRequest } from "./requests.js";

@injectable()
export class SaasV2Interface implements SignedInterface<SaasProduct, SaasAdapter, Verified, SaasRequest> {
  readonly scope = "saas-v2";
  readonly readsBody = true;
  readonly refuse = marketplaceRefusal;

  constructor(private readonly activities: SaasActivities) {}

  verify(input: Incoming, product: SaasProduct): Verified {
    return verifyBasicCall(input, product.keys.basic);
  }

  peek(input: Incoming) {
    try {
      return peek(JSON.parse(input.rawBody.toString("utf8")));
    } catch {
      return { activity: "", test: false }; // parse() answers it
    }
  }

  parse(input: Incoming): SaasRequest {
    return parseSaasRequest(input.rawBody);
  }

  run(served: ServedSaasProduct, req: SaasRequest) {
    return this.activities.dispatch(served, req);
  }

  answerKey(product: SaasProduct): string {
    return product.keys.basic[0]!;
  }

  logFields(v: Verified | undefined) {
    return { signed: v?.signed };
  }
}
