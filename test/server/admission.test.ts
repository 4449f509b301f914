import { expect } from "chai";
import { injectable } from "tsyringe";
import type { NewInstanceRequest, NewInstanceResult, SaasAdapter } from "../../core/kinds/saas/adapter.js";
import { newInstanceBody } from "../support/orders.js";
import { RecordingAdapter, recordingYaml } from "../support/recording-adapter.js";
import { startServer, type TestServer } from "../support/server.js";
import { eventually } from "../support/wait.js";

/** An adapter whose newInstance calls wait at a gate the test opens, and which counts how many run at once. */
@injectable()
class GatedAdapter implements SaasAdapter {
  static readonly kind = "saas" as const;
  static held = false;
  static running = 0;
  static mostAtOnce = 0;
  static calls: string[] = [];
  private static waiting: Array<() => void> = [];

  static reset(): void {
    Object.assign(GatedAdapter, { held: true, running: 0, mostAtOnce: 0, calls: [] });
  }

  static open(): void {
    GatedAdapter.held = false;
    for (const go of GatedAdapter.waiting.splice(0)) go();
  }

  async newInstance(req: NewInstanceRequest): Promise<NewInstanceResult> {
    GatedAdapter.calls.push(req.instanceId);
    GatedAdapter.mostAtOnce = Math.max(GatedAdapter.mostAtOnce, ++GatedAdapter.running);
    try {
      if (GatedAdapter.held) await new Promise<void>((go) => GatedAdapter.waiting.push(go));
    } finally {
      GatedAdapter.running--;
    }
    return { appInfo: { frontEndUrl: "https://example.test/login", userName: `user-${req.instanceId}`, password: "Secret#123" } };
  }
  async refreshInstance() {}
  async updateInstanceStatus() {}
  async releaseInstance() {}
  async upgradeInstance() {}
}

const product = ["id: gated", "name: Gated", "kind: saas", "adapter: GatedAdapter", "keys:", "  basic: [TEST_BASIC_KEY]", "options: {}"].join("\n");

describe("a bound on adapter calls per process (KOOGATE_ADAPTER_CONCURRENCY)", () => {
  let s: TestServer | undefined;
  const state = async (id: string) => (await s!.koogate.db("koogate_instances").where({ instance_id: id }).first())?.state;
  const eventOf = (id: string) => s!.koogate.db("koogate_events").where({ instance_id: id }).whereNotNull("request_id").first();

  beforeEach(() => GatedAdapter.reset());
  afterEach(async () => {
    GatedAdapter.open();
    await s?.close();
    s = undefined;
  });

  describe("with one slot and no wait", () => {
    beforeEach(async () => {
      s = await startServer({ adapters: [GatedAdapter], products: { "gated.yaml": product }, config: { adapterConcurrency: 1, adapterWaitMs: 0 } });
    });

    it("answers a call that finds the slot busy 000000 at once, without calling the adapter, and commits its queued job with the answer", async () => {
      const first = newInstanceBody();
      const busy = newInstanceBody();
      const firstAnswer = s!.send(first, { product: "gated" });
      await eventually(async () => GatedAdapter.running === 1, "the first call to hold the slot");
      const r = await s!.send(busy, { product: "gated" });
      expect(r.text).to.equal(`{"resultCode":"000000","resultMsg":"success.","instanceId":"${busy.businessId}"}`);
      expect(GatedAdapter.calls, "adapter calls so far").to.deep.equal([first.businessId]);
      expect(await state(busy.businessId)).to.equal("provisioning");
      expect(await s!.koogate.db("koogate_jobs").where({ instance_id: busy.businessId }).select("activity", "state")).to.deep.equal([
        { activity: "newInstance", state: "pending" },
      ]);
      expect((await eventOf(busy.businessId)).detail).to.match(/^every adapter slot was busy/);
      GatedAdapter.open();
      await firstAnswer;
    });

    it("runs the queued work once the slot is free, never two adapter calls at once, and answers the credentials afterwards", async () => {
      const first = newInstanceBody();
      const queued = [newInstanceBody(), newInstanceBody(), newInstanceBody()];
      const firstAnswer = s!.send(first, { product: "gated" });
      await eventually(async () => GatedAdapter.running === 1, "the first call to hold the slot");
      for (const o of queued) expect((await s!.send(o, { product: "gated" })).json.resultCode).to.equal("000000");
      GatedAdapter.open();
      expect((await firstAnswer).json.resultCode).to.equal("000000");
      for (const o of queued) await eventually(async () => (await state(o.businessId)) === "active", `${o.businessId} to be provisioned`);
      expect(GatedAdapter.mostAtOnce).to.equal(1);
      expect([...GatedAdapter.calls].sort()).to.deep.equal([first, ...queued].map((o) => o.businessId).sort());
      const q = await s!.send({ activity: "queryInstance", instanceId: queued[2]!.businessId }, { product: "gated" });
      expect((q.json.info as Array<{ appInfo: { userName: string } }>)[0]!.appInfo.userName).to.equal(`user-${queued[2]!.businessId}`);
    });

    it("answers a call whose adapter had the slot with its result inline (the instance active at the answer)", async () => {
      GatedAdapter.open();
      const order = newInstanceBody();
      expect((await s!.send(order, { product: "gated" })).json.resultCode).to.equal("000000");
      expect(await state(order.businessId)).to.equal("active");
      expect((await eventOf(order.businessId)).detail).to.equal(null);
    });
  });

  it("lets a call wait up to KOOGATE_ADAPTER_WAIT_MS for the slot, and then runs its adapter inline", async () => {
    s = await startServer({ adapters: [GatedAdapter], products: { "gated.yaml": product }, config: { adapterConcurrency: 1, adapterWaitMs: 2000 } });
    const first = newInstanceBody();
    const second = newInstanceBody();
    const firstAnswer = s.send(first, { product: "gated" });
    await eventually(async () => GatedAdapter.running === 1, "the first call to hold the slot");
    const secondAnswer = s.send(second, { product: "gated" });
    await new Promise((r) => setTimeout(r, 100));
    GatedAdapter.open();
    expect((await secondAnswer).json.resultCode).to.equal("000000");
    expect(await state(second.businessId)).to.equal("active");
    expect(await s.koogate.db("koogate_jobs").where({ instance_id: second.businessId }).first()).to.equal(undefined);
    await firstAnswer;
  });

  it("takes the slot back from an adapter still busy after its budget, so that a hung backend keeps no other product waiting", async () => {
    const products = { "gated.yaml": `${product}\nprovisioning: { budgetMs: 100 }`, "free.yaml": recordingYaml("free") };
    s = await startServer({ adapters: [GatedAdapter, RecordingAdapter], products, config: { adapterConcurrency: 1, adapterWaitMs: 0 } });
    const hung = newInstanceBody();
    expect((await s.send(hung, { product: "gated" })).json.resultCode, "the hung call, answered at its budget").to.equal("000000");
    expect(GatedAdapter.running).to.equal(1);
    const other = newInstanceBody();
    expect((await s.send(other, { product: "free" })).json.resultCode).to.equal("000000");
    expect(await state(other.businessId), "the other product's instance at its answer").to.equal("active");
  });
});
