import "reflect-metadata";
import { expect } from "chai";
import { injectable } from "tsyringe";
import type { AdapterContext, NewInstanceRequest, NewInstanceResult } from "../core/kinds/saas/adapter.js";
import { DemoSaasAdapter, type DemoSaasOptions } from "../adapters/demo-saas.js";
import { testDatabaseKind } from "../test/support/database.js";
import { productYaml, startServer, type TestServer } from "../test/support/server.js";
import { figures } from "./support/figures.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Throws on its first two newInstance calls, then provisions as the demo does. */
@injectable()
class FlakyAdapter extends DemoSaasAdapter {
  static calls = 0;
  static successes = 0;
  override async newInstance(req: NewInstanceRequest, ctx: AdapterContext<DemoSaasOptions>): Promise<NewInstanceResult> {
    FlakyAdapter.calls++;
    if (FlakyAdapter.calls <= 2) {
      figures.faults++;
      throw new Error("backend unavailable");
    }
    const result = await super.newInstance(req, ctx);
    FlakyAdapter.successes++;
    return result;
  }
}

/** Never returns from newInstance. */
@injectable()
class HangingAdapter extends DemoSaasAdapter {
  static calls = 0;
  override newInstance(): Promise<NewInstanceResult> {
    HangingAdapter.calls++;
    figures.faults++;
    return new Promise(() => undefined);
  }
}

describe(`adapters that fail (${testDatabaseKind})`, function () {
  let s: TestServer;
  before(async () => {
    s = await startServer({
      adapters: [DemoSaasAdapter, FlakyAdapter, HangingAdapter],
      products: {
        "flaky.yaml": productYaml("flaky").replace("DemoSaasAdapter", "FlakyAdapter"),
        "hanging.yaml": productYaml("hanging").replace("DemoSaasAdapter", "HangingAdapter"),
        "test-saas.yaml": productYaml("test-saas"),
      },
    });
  });
  after(() => s.close());

  const send = async (product: string, body: object) => {
    figures.requests++;
    const r = await s.send(body, { product, signal: AbortSignal.timeout(10_000) });
    if (r.status >= 500) figures.fiveHundreds++;
    return r;
  };

  it("answers an adapter that throws with 000005, and a later resend succeeds with one instance", async () => {
    const order = { activity: "newInstance", orderId: "FLAKY-1", orderLineId: "FLAKY-1-1" };
    const codes: string[] = [];
    let last: Record<string, unknown> = {};
    for (let i = 0; i < 20 && last.resultCode !== "000000"; i++) {
      last = (await send("flaky", { ...order, businessId: `biz-flaky-${i}` })).json;
      codes.push(String(last.resultCode));
      if (last.resultCode !== "000000") await sleep(200);
    }
    expect(codes.slice(0, 2), "the failing calls").to.deep.equal(["000005", "000005"]);
    expect(last.resultCode).to.equal("000000");
    const rows = await s.koogate.db("koogate_instances").where({ product_id: "flaky" }).pluck("instance_id");
    expect(rows).to.deep.equal([last.instanceId]);
    expect(FlakyAdapter.successes).to.equal(1);
    const failed = await s.koogate.db("koogate_events").where({ product_id: "flaky", verdict: "failed" }).count({ n: "*" }).first();
    expect(Number(failed?.n), "each failure is in the event log").to.equal(2);
  });

  it("keeps serving other calls while an adapter never returns, and never calls it twice for one order", async () => {
    const order = { activity: "newInstance", orderId: "HANG-1", orderLineId: "HANG-1-1" };
    const first = send("hanging", { ...order, businessId: "biz-hang-0" }).catch(() => undefined);
    await sleep(200);
    const other = await send("test-saas", { activity: "newInstance", orderId: "OK-1", orderLineId: "OK-1-1", businessId: "biz-ok-1" });
    expect(other.json.resultCode, "another product is served").to.equal("000000");
    // The resend waits for the first delivery, which the outbox answers after the 3 s budget with its
    // instanceId; the never-returning attempt goes on in the background, so the instance is provisioning.
    const resend = await send("hanging", { ...order, businessId: "biz-hang-1" });
    expect(resend.status).to.equal(200);
    expect(resend.json).to.include({ resultCode: "000000", instanceId: "biz-hang-0" });
    expect(HangingAdapter.calls, "the resend did not call the adapter again").to.equal(1);
    const rows = await s.koogate.db("koogate_instances").where({ product_id: "hanging" });
    expect(rows.map((r: { instance_id: string; state: string }) => [r.instance_id, r.state])).to.deep.equal([["biz-hang-0", "provisioning"]]);
    void first;
  });

  it("answers the first delivery to an adapter that never returns within the marketplace's 5 s", async () => {
    figures.requests++;
    const t0 = performance.now();
    const r = await s.send(
      { activity: "newInstance", orderId: "HANG-2", orderLineId: "HANG-2-1", businessId: "biz-hang-2" },
      { product: "hanging", signal: AbortSignal.timeout(5000) },
    );
    console.log(`      (answered ${r.json.resultCode} after ${Math.round(performance.now() - t0)} ms)`);
    expect(r.status).to.equal(200);
    expect(["000000", "000005"]).to.include(r.json.resultCode);
  });
});
