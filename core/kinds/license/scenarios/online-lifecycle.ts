/**
 * An online-activation licence instance (docs/marketplace/license.md §3): create, query, getLicenseAsync and the upload
 * seen at the local marketplace, the application resent (the same licence, uploaded once), refresh,
 * upgrade, freeze, release.
 */
import { randomBytes } from "node:crypto";
import { expireIn, newBusinessId, newInstanceBody, newOrderLine } from "../../../simulation/bodies.js";
import { basicRequest } from "../../../simulation/requests/basic.js";
import { ScenarioAbort, type Scenario } from "../../../simulation/scenario.js";
import { forLicense, MARKETPLACE_OPTION, uploadsOf } from "./requirements.js";

export const licenseOnlineLifecycle: Scenario = {
  name: "license-online-lifecycle",
  summary: "online License: create, query, getLicenseAsync + upload, resend, refresh, upgrade, freeze, release",
  ...forLicense("online"),
  options: { marketplace: MARKETPLACE_OPTION },
  async run(ctx) {
    const t = ctx.target;
    const market = ctx.option("marketplace")!;
    const send = (body: Record<string, unknown>) => basicRequest(t, { ...body, testFlag: t.testFlag });
    const created = await ctx.exchange("newInstance", send(newInstanceBody({ ...newOrderLine(), businessId: newBusinessId(), testFlag: t.testFlag })), "000000");
    const instanceId = created.judgement.instanceId;
    if (!instanceId) throw new ScenarioAbort("newInstance answered no instanceId: nothing to act on");
    await ctx.exchange("queryInstance", send({ activity: "queryInstance", instanceId }), { codes: ["000000"], instanceInInfo: instanceId });
    const eventId = randomBytes(8).toString("hex");
    const application = { activity: "getLicenseAsync", eventId, instanceId, effectiveTime: "2025-01-01 00:00:00 z", expireTime: "2099-01-01 00:00:00 z", deviceFingerprint: "00:1A:2B:3C:4D:5E|WD-SIM|MB-SIM|CPU-SIM" };
    await ctx.exchange("getLicenseAsync", send(application), "000000", "apply for a licence");
    let uploads: Array<{ characters?: string }> = [];
    for (let i = 0; i < 100 && uploads.length === 0; i++) {
      await ctx.sleep(100);
      uploads = await uploadsOf(market, eventId);
    }
    ctx.check("upload", uploads.length === 1 ? null : `the local marketplace at ${market} received ${uploads.length} uploads for ${eventId}, expected 1`, "licence uploaded for the eventId");
    await ctx.exchange("getLicenseAsync", send(application), "000000", "the application resent");
    await ctx.sleep(1000);
    const after = await uploadsOf(market, eventId);
    ctx.check("upload once", after.length === 1 && after[0]?.characters === uploads[0]?.characters ? null : `${after.length} uploads after the resend: the same licence must be uploaded once`);
    const order = newOrderLine();
    await ctx.exchange("refreshInstance", send({ activity: "refreshInstance", instanceId, scene: "RENEWAL", expireTime: expireIn(365), ...order }), "000000");
    await ctx.exchange("upgradeInstance", send({ activity: "upgradeInstance", instanceId, ...newOrderLine() }), "000000");
    await ctx.exchange("updateInstanceStatus", send({ activity: "updateInstanceStatus", instanceId, status: "FREEZE" }), "000000", "freeze");
    await ctx.exchange("releaseInstance", send({ activity: "releaseInstance", instanceId }), "000000");
  },
};
