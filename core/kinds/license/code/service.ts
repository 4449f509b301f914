/**
 * The authorization-code production interface (docs/marketplace/license.md §2.2) as a signed interface of the call
 * pipeline: the SaaS 2.0 signature (docs/marketplace/license.md §1) made with the listing's `license` key — the Seller
 * Console binds a separate key to this interface type, so a call signed with the basic key is refused.
 */
import { verifyBasicCall } from "../../../serving/basic-call.js";
import { injectable } from "tsyringe";
import type { Incoming, SignedInterface, Verified } from "../../../serving/pipeline.js";
import { marketplaceRefusal } from "../../../serving/refusal.js";
import type { LicenseCodeAdapter } from "../adapter.js";
import { codeRef } from "../codes.js";
import type { ServedLicense } from "../context.js";
import type { LicenseProduct } from "../product.js";
import { CodeActivities } from "./activities.js";
import { parseCodeRequest, peekCode, type CodeRequest } from "./requests.js";

@injectable()
export class LicenseCodeInterface implements SignedInterface<LicenseProduct, LicenseCodeAdapter, Verified, CodeRequest> {
  readonly scope = "license-code";
  readonly readsBody = true;
  readonly refuse = marketplaceRefusal;

  constructor(private readonly activities: CodeActivities) {}

  verify(input: Incoming, product: LicenseProduct): Verified {
    // signed with the listing's license key: a call signed with the basic key is refused (docs/marketplace/license.md §1)
    return verifyBasicCall(input, product.keys.license);
  }

  peek(input: Incoming) {
    return peekCode(input.rawBody, codeRef);
  }

  parse(input: Incoming): CodeRequest {
    return parseCodeRequest(input.rawBody);
  }

  run(served: ServedLicense<LicenseCodeAdapter>, req: CodeRequest) {
    return this.activities.dispatch(served, req);
  }

  /** Answers are signed with the key the calls are verified with (whether they need one at all is UNCONFIRMED, docs/marketplace/license.md §8 item 5). */
  answerKey(product: LicenseProduct): string {
    return product.keys.license[0]!;
  }

  logFields(v: Verified | undefined) {
    return { signed: v?.signed };
  }
}
