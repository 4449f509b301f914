import { expect } from "chai";
import { injectable } from "tsyringe";
import { DemoSaasAdapter } from "../../adapters/demo-saas.js";
import type { AdapterContext, NewInstanceRequest, NewInstanceResult } from "../../core/kinds/saas/adapter.js";
import type { JointOperationHooks, TenantChange } from "../../core/kinds/saas/sync/hooks.js";
import { signAuthToken } from "../../core/signing/auth-token.js";
import { formatMarketplaceTime } from "../../core/time.js";
import { productYaml, startServer, TEST_KEY, type TestServer } from "../support/server.js";

const never = () => new Promise<never>(() => undefined);

/** An adapter that never returns from a newInstance nor from a tenantSync hook. */
@injectable()
class HangingAdapter extends DemoSaasAdapter implements JointOperationHooks {
  override newInstance(_req: NewInstanceRequest, _ctx: AdapterContext): Promise<NewInstanceResult> {
    return never();
  }
  onTenantSync(_change: TenantChange, _ctx: AdapterContext): Promise<void> {
    return never();
  }
}

const tenant = {
  instanceId: "inst-1",
  orderId: "CS1906666666ABCDE",
  tenantId: "68cbc86abc2018ab880d92f36422fa0e",
  tenantCode: "huawei",
  name: "t",
  domainName: "https://example.test",
  flag: 1,
  testFlag: 0,
  timeStamp: "20220413093539534",
};

/** Resolves once `what` holds, polling; fails after `ms`. */
async function eventually<T>(what: () => Promise<T | undefined>, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await what();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("the answer deadline on every endpoint (a hanging adapter)", function () {
  this.timeout(30_000);
  let s: TestServer;
  before(async () => {
    s = await startServer({
      adapters: [HangingAdapter],
      products: {
        "sync.yaml": productYaml("hang-sync", "jointOperation: { enabled: true }").replace("DemoSaasAdapter", "HangingAdapter"),
        "v1.yaml": productYaml("hang-v1", "protocol: v1\nprovisioning: { budgetMs: 4500 }").replace("DemoSaasAdapter", "HangingAdapter"),
      },
    });
  });
  after(() => s?.close());

  it("answers a joint-operation sync whose hook never returns within 5 s, signed, and logs one event saying so", async () => {
    const t0 = Date.now();
    const r = await s.sync("tenantSync", tenant, { product: "hang-sync" });
    expect(Date.now() - t0).to.be.below(5000);
    expect(r.json).to.deep.equal({ resultCode: "000005", resultMsg: "other inner error" });
    expect(r.bodySignProblem).to.equal(null);
    const events = await eventually(async () => {
      const rows = await s.koogate.db("koogate_events").where({ product_id: "hang-sync", activity: "tenantSync" });
      return rows.length > 0 ? rows : undefined;
    });
    expect(events).to.have.length(1);
    expect(events[0]).to.include({ result_code: "000005", verdict: "failed" });
    expect(events[0].detail).to.match(/deadline/);
  });

  it("answers a 1.0 newInstance whose adapter never returns within 5 s, with a Body-Sign, and the event row says 000005", async () => {
    const orderId = `CS${Date.now()}`;
    const params: Record<string, string> = { activity: "newInstance", businessId: `biz-${orderId}`, orderId, timeStamp: formatMarketplaceTime(new Date()) };
    const token = signAuthToken({ accessKey: TEST_KEY, timeStamp: params.timeStamp!, params: Object.entries(params) });
    const t0 = Date.now();
    const r = await s.get(`${new URLSearchParams(params).toString()}&authToken=${encodeURIComponent(token)}`, { product: "hang-v1" });
    expect(Date.now() - t0).to.be.below(5000);
    expect(r.json.resultCode).to.equal("000005");
    expect(r.bodySignProblem).to.equal(null);
    // the work went on (handed to the outbox at the budget) and stored its outcome; the row says what was sent
    const event = await eventually(async () => {
      const row = await s.koogate.db("koogate_events").where({ product_id: "hang-v1", activity: "newInstance" }).first();
      return row && row.result_code === "000005" ? row : undefined;
    });
    expect(event.detail).to.match(/deadline/);
    expect(await s.koogate.db("koogate_events").where({ product_id: "hang-v1", activity: "newInstance" })).to.have.length(1);
  });
});
