/**
 * One authorization code's life as KooGallery drives it (docs/marketplace/license.md §2.1, §2.2): renewal, the renewal
 * resent, renewal cancellation, freeze, unfreeze, release, the release resent (000000 again), and a
 * call signed with the basic key instead of the license key, which must be refused.
 */
import { randomBytes } from "node:crypto";
import { expireIn } from "../../../simulation/bodies.js";
import { basicRequest } from "../../../simulation/requests/basic.js";
import type { Scenario } from "../../../simulation/scenario.js";
import { forLicense } from "./requirements.js";

export const licenseCodeLifecycle: Scenario = {
  name: "license-code-lifecycle",
  summary: "authorization code: renew, resend, cancel renewal, freeze, unfreeze, release, release resent",
  ...forLicense("code"),
  async run(ctx) {
    const t = ctx.target;
    const license = `PLSIM${randomBytes(5).toString("hex").toUpperCase()}`;
    const send = (body: Record<string, unknown>) => basicRequest(t, { ...body, license, testFlag: t.testFlag }, { keyType: "license" });
    const orderId = `CS${new Date().toISOString().replace(/\D/g, "").slice(2, 12)}${randomBytes(3).toString("hex").toUpperCase()}`;
    const renewal = { activity: "refreshLicenseCode", scene: "RENEWAL", orderId, orderLineId: `${orderId}-000001`, expireTime: expireIn(365) };
    await ctx.exchange("refreshLicenseCode", send(renewal), "000000", "renewal");
    await ctx.exchange("refreshLicenseCode", send(renewal), "000000", "the same renewal resent");
    const cancel = { ...renewal, scene: "UNSUBSCRIBE_RENEWAL_PERIOD", orderId: `${orderId}C`, orderLineId: `${orderId}C-000001`, expireTime: expireIn(30) };
    await ctx.exchange("refreshLicenseCode", send(cancel), "000000", "renewal cancelled");
    await ctx.exchange("updateLicenseCodeStatus", send({ activity: "updateLicenseCodeStatus", status: "FREEZE" }), "000000", "freeze");
    await ctx.exchange("updateLicenseCodeStatus", send({ activity: "updateLicenseCodeStatus", status: "UNFREEZE" }), "000000", "unfreeze");
    await ctx.exchange("releaseLicenseCode", send({ activity: "releaseLicenseCode", orderId }), "000000", "release");
    await ctx.exchange("releaseLicenseCode", send({ activity: "releaseLicenseCode", orderId }), "000000", "release resent: must succeed again");
    // the basic key when the listing names one; any key other than the license key makes the same point
    const other = t.product.keys.basic[0] ?? "a-key-that-is-not-the-license-key";
    const wrongKey = basicRequest({ ...t, product: { ...t.product, keys: { ...t.product.keys, basic: [other] } } }, { activity: "updateLicenseCodeStatus", status: "FREEZE", license, testFlag: t.testFlag });
    await ctx.exchange("updateLicenseCodeStatus", { ...wrongKey, replyKeys: t.product.keys.license }, "000001", "signed with another key than the license key: refused");
  },
};
