import { expect } from "chai";
import { adapterCalls, RecordingAdapter, recordingYaml } from "../support/recording-adapter.js";
import { DemoSaasAdapter } from "../../adapters/demo-saas.js";
import { countRows, newInstanceBody } from "../support/orders.js";
import { startServer, type TestServer } from "../support/server.js";

const adapters = [RecordingAdapter, DemoSaasAdapter];

describe("newInstance idempotency (docs/marketplace/saas.md §4.1)", () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({
      adapters,
      products: {
        "rec.yaml": recordingYaml("rec"),
        "slow.yaml": recordingYaml("slow", { delayMs: 300 }),
        "flaky.yaml": recordingYaml("flaky", { failFirst: 1 }),
        "full.yaml": recordingYaml("full", { refuseWith: "000100" }),
      },
    });
  });
  after(() => s.close());

  it("answers a resend of the same order line with the first answer, byte for byte, with an identical Body-Sign", async () => {
    const first = newInstanceBody();
    const a = await s.send(first, { product: "rec" });
    const b = await s.send({ ...first, businessId: "a-later-business-id" }, { product: "rec" });
    expect(a.json.instanceId).to.equal(first.businessId);
    expect(b.text).to.equal(a.text);
    expect(b.bodySign).to.equal(a.bodySign);
    expect(await adapterCalls(s.koogate.db, "newInstance", first.businessId)).to.equal(1);
    const events = await s.koogate.db("koogate_events").where({ product_id: "rec", instance_id: first.businessId }).orderBy("id");
    expect(events.map((e: { verdict: string }) => e.verdict)).to.deep.equal(["processed", "resent"]);
  });

  it("makes exactly one adapter call and one instance row for 20 concurrent identical deliveries", async () => {
    const order = newInstanceBody();
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => s.send({ ...order, businessId: `${order.businessId}-${i}` }, { product: "slow" })),
    );
    const ids = new Set(replies.map((r) => r.json.instanceId));
    expect(replies.map((r) => r.json.resultCode)).to.deep.equal(Array(20).fill("000000"));
    expect(ids.size).to.equal(1);
    expect(new Set(replies.map((r) => r.text)).size).to.equal(1);
    expect(await countRows(s.koogate.db, "koogate_instances", { order_id: order.orderId })).to.equal(1);
    const calls = await s.koogate.db("test_adapter_calls").where("input", "like", `%${order.orderId}%`).count({ n: "*" });
    expect(Number(calls[0]?.n)).to.equal(1);
  });

  it("does not cache a failed attempt: the next resend calls the adapter again and succeeds", async () => {
    const order = newInstanceBody();
    const a = await s.send(order, { product: "flaky" });
    expect(a.json.resultCode).to.equal("000005");
    expect(a.text).to.not.include("backend unavailable"); // the adapter's error stays in the log
    expect(await countRows(s.koogate.db, "koogate_instances", { order_id: order.orderId })).to.equal(0);
    const b = await s.send({ ...order, businessId: "second-delivery" }, { product: "flaky" });
    expect(b.json.resultCode).to.equal("000000");
    expect(await countRows(s.koogate.db, "koogate_instances", { order_id: order.orderId })).to.equal(1);
    const failed = await s.koogate.db("koogate_events").where({ product_id: "flaky", verdict: "failed" }).first();
    expect(failed.detail).to.include("backend unavailable");
  });

  it("answers the code an adapter refuses with (000100 no resource) and stores nothing", async () => {
    const order = newInstanceBody();
    const r = await s.send(order, { product: "full" });
    expect(r.json).to.deep.equal({ resultCode: "000100", resultMsg: "no available resource" });
    expect(await countRows(s.koogate.db, "koogate_instances", { order_id: order.orderId })).to.equal(0);
    expect(await countRows(s.koogate.db, "koogate_operations", { product_id: "full" })).to.equal(0);
  });

  it("passes a Seller Console test call (testFlag=1) to the adapter as a test, and stores it as one", async () => {
    const order = newInstanceBody(undefined, "1");
    const r = await s.send(order, { product: "rec" });
    expect(r.json.resultCode).to.equal("000000");
    const call = await s.koogate.db("test_adapter_calls").where({ instance_id: order.businessId }).first();
    expect(Boolean(call.test)).to.equal(true);
    const row = await s.koogate.db("koogate_instances").where({ instance_id: order.businessId }).first();
    expect(Boolean(row.test)).to.equal(true);
  });
});

describe("persistence across a restart", () => {
  it("still answers queryInstance with the credentials after the server restarts on the same database", async () => {
    const first = await startServer();
    const order = newInstanceBody();
    await first.send(order);
    const before = await first.send({ activity: "queryInstance", instanceId: order.businessId });
    await first.close();
    const second = await startServer({ databaseUrl: first.databaseUrl });
    try {
      const after = await second.send({ activity: "queryInstance", instanceId: order.businessId });
      expect(after.json.resultCode).to.equal("000000");
      expect(after.text).to.equal(before.text);
      const resend = await second.send({ ...order, businessId: "after-restart" });
      expect(resend.json.instanceId).to.equal(order.businessId);
    } finally {
      await second.close();
    }
  });
});
