/**
 * The online-activation production interface (docs/marketplace/license.md §3) as a signed interface of the call
 * pipeline: the SaaS 2.0 signature with the basic key (docs/marketplace/license.md §1); the instance activities run as
 * the SaaS kind runs them, getLicenseAsync as online/activities.ts says.
 */
import { injectable } from "tsyringe";
import type { Incoming, SignedInterface, Verified } from "../../../serving/pipeline.js";
import { SaasActivities } from "../../saas/activities.js";
import { SaasV2Interface } from "../../saas/service.js";
import type { OnlineLicenseAdapter } from "../adapter.js";
import type { LicenseProduct } from "../product.js";
import { GetLicenseAsync } from "./activities.js";
import { parseOnlineRequest, type OnlineRequest } from "./requests.js";
import { saasView, type ServedOnline } from "./view.js";

@injectable()
export class OnlineLicenseInterface implements SignedInterface<LicenseProduct, OnlineLicenseAdapter, Verified, OnlineRequest> {
  readonly scope = "license-online";
  readonly readsBody = true;

  constructor(
    /** the SaaS 2.0 interface: its verifier, refusals and peek are this interface's too */
    private readonly saas: SaasV2Interface,
    private readonly activities: SaasActivities,
    private readonly getLicense: GetLicenseAsync,
  ) {}

  readonly refuse = (e: Parameters<SaasV2Interface["refuse"]>[0]) => this.saas.refuse(e);

  verify(input: Incoming, product: LicenseProduct): Verified {
    return this.saas.verify(input, product.saasView);
  }

  peek(input: Incoming) {
    return this.saas.peek(input);
  }

  parse(input: Incoming): OnlineRequest {
    return parseOnlineRequest(input.rawBody);
  }

  run(served: ServedOnline, req: OnlineRequest) {
    return req.activity === "getLicenseAsync" ? this.getLicense.run(served, req) : this.activities.dispatch(saasView(served), req);
  }

  answerKey(product: LicenseProduct): string {
    return product.keys.basic[0]!;
  }

  logFields(v: Verified | undefined) {
    return this.saas.logFields(v);
  }
}
