/**
 * The online-activation production interface (docs/marketplace/license.md §3) as a signed interface of the call
 * pipeline: the 2.0 signature with the basic key (docs/marketplace/license.md §1); the instance activities run as
 * core/instances/ runs them for every listing whose buyers hold instances, getLicenseAsync as online/activities.ts says.
 */
import { injectable } from "tsyringe";
import { InstanceActivities } from "../../../instances/activities.js";
import { peekBody } from "../../../instances/requests.js";
import { verifyBasicCall } from "../../../serving/basic-call.js";
import type { Incoming, SignedInterface, Verified } from "../../../serving/pipeline.js";
import { marketplaceRefusal } from "../../../serving/refusal.js";
import type { OnlineLicenseAdapter } from "../adapter.js";
import type { ServedOnline } from "../context.js";
import type { LicenseProduct } from "../product.js";
import { GetLicenseAsync } from "./activities.js";
import { parseOnlineRequest, type OnlineRequest } from "./requests.js";

@injectable()
export class OnlineLicenseInterface implements SignedInterface<LicenseProduct, OnlineLicenseAdapter, Verified, OnlineRequest> {
  readonly scope = "license-online";
  readonly readsBody = true;
  readonly refuse = marketplaceRefusal;

  constructor(
    private readonly activities: InstanceActivities,
    private readonly getLicense: GetLicenseAsync,
  ) {}

  verify(input: Incoming, product: LicenseProduct): Verified {
    return verifyBasicCall(input, product.keys.basic);
  }

  peek(input: Incoming) {
    return peekBody(input.rawBody);
  }

  parse(input: Incoming): OnlineRequest {
    return parseOnlineRequest(input.rawBody);
  }

  run(served: ServedOnline, req: OnlineRequest) {
    return req.activity === "getLicenseAsync" ? this.getLicense.run(served, req) : this.activities.dispatch(served, req);
  }

  answerKey(product: LicenseProduct): string {
    return product.keys.basic[0]!;
  }

  logFields(v: Verified | undefined) {
    return { signed: v?.signed };
  }
}
