import { expect } from "chai";
import { adapterCalls, RecordingAdapter, recordingYaml } from "../support/recording-adapter.js";
import { countRows, newInstanceBody } from "../support/orders.js";
import { startServer, type TestServer } from "../support/server.js";
import { eventually } from "../support/wait.js";

const provisioning = (p: Record<string, number>) => `provisioning: ${JSON.stringify(p)}`;

describe("adapter work past the 5-second deadline (docs/marketplace/saas.md §1, §4.1: the outbox)", () => {
  let s: TestServer;
  const db = () => s.koogate.db;
  const instance = (product: string, id: string) => db()("koogate_instances").where({ product_id: product, instance_id: id }).first();
  const job = (product: string, id: string) => db()("koogate_jobs").where({ product_id: product, instance_id: id }).first();

  before(async () => {
    s = await startServer({
      adapters: [RecordingAdapter],
      products: {
        "slow.yaml": recordingYaml("slow", { delayMs: 700 }, provisioning({ budgetMs: 100 })),
        "flaky.yaml": recordingYaml("flaky", { delayMs: 200, failFirst: 2 }, provisioning({ budgetMs: 50, retryBaseMs: 50 })),
        "broken.yaml": recordingYaml("broken", { delayMs: 200, failFirst: 99 }, provisioning({ budgetMs: 50, retryBaseMs: 50, maxAttempts: 3 })),
        "hangs.yaml": recordingYaml("hangs", { hangFirst: 1 }, provisioning({ budgetMs: 50, retryBaseMs: 50, attemptTimeoutMs: 300 })),
      },
    });
  });
  after(() => s.close());

  it("answers 000000 with the instanceId when the adapter overruns its budget, and answers the credentials once it finishes", async () => {
    const order = newInstanceBody();
    const r = await s.send(order, { product: "slow" });
    expect(r.text).to.equal(`{"resultCode":"000000","resultMsg":"success.","instanceId":"${order.businessId}"}`);
    expect((await instance("slow", order.businessId)).state).to.equal("provisioning");
    const pending = await s.send({ activity: "queryInstance", instanceId: order.businessId }, { product: "slow" });
    expect(pending.json).to.deep.equal({ resultCode: "000000", resultMsg: "success.", info: [] });

    await eventually(async () => (await instance("slow", order.businessId)).state === "active", "the instance to become active");
    const done = await s.send({ activity: "queryInstance", instanceId: order.businessId }, { product: "slow" });
    expect((done.json.info as Array<{ appInfo: { userName: string } }>)[0]!.appInfo.userName).to.equal(`user-${order.businessId}`);
    expect((await job("slow", order.businessId)).state).to.equal("done");
    const background = await db()("koogate_events").where({ product_id: "slow", instance_id: order.businessId, detail: "background attempt 1 succeeded" });
    expect(background).to.have.length(1);
  });

  it("answers a resend during provisioning with the same bytes, without a second adapter call", async () => {
    const order = newInstanceBody();
    const a = await s.send(order, { product: "slow" });
    const b = await s.send({ ...order, businessId: "resend-while-provisioning" }, { product: "slow" });
    expect(b.text).to.equal(a.text);
    await eventually(async () => (await instance("slow", order.businessId)).state === "active", "provisioning to finish");
    expect(await adapterCalls(db(), "newInstance", order.businessId)).to.equal(1);
  });

  it("retries a failing adapter with backoff until it succeeds, logging each failed attempt", async () => {
    const order = newInstanceBody();
    expect((await s.send(order, { product: "flaky" })).json.resultCode).to.equal("000000");
    await eventually(async () => (await instance("flaky", order.businessId)).state === "active", "the third attempt to succeed");
    expect(await adapterCalls(db(), "newInstance", order.businessId)).to.equal(3);
    const failed = await db()("koogate_events").where({ product_id: "flaky", instance_id: order.businessId, verdict: "failed" }).orderBy("id");
    expect(failed.map((e: { detail: string }) => e.detail.replace(/retry in \d+ s/, "retry in N s"))).to.deep.equal([
      "attempt 1 failed, retry in N s: Error: backend unavailable (call 1)",
      "attempt 2 failed, retry in N s: Error: backend unavailable (call 2)",
    ]);
  });

  it("gives up after maxAttempts, marks the job and the instance failed and says so in the event log", async () => {
    const order = newInstanceBody();
    await s.send(order, { product: "broken" });
    await eventually(async () => (await job("broken", order.businessId)).state === "failed", "the job to be given up");
    expect(await adapterCalls(db(), "newInstance", order.businessId)).to.equal(3);
    expect((await instance("broken", order.businessId)).state).to.equal("failed");
    const last = await db()("koogate_events").where({ product_id: "broken", instance_id: order.businessId }).orderBy("id", "desc").first();
    expect(last.detail).to.match(/^gave up after 3 attempts/);
  });

  it("counts an attempt that never returns as failed after attemptTimeoutMs and tries again", async () => {
    const order = newInstanceBody();
    await s.send(order, { product: "hangs" });
    await eventually(async () => (await instance("hangs", order.businessId)).state === "active", "the second attempt to succeed");
    expect(await adapterCalls(db(), "newInstance", order.businessId)).to.equal(2);
  });

  it("releases at once when the adapter is slow, and finishes the adapter's release afterwards", async () => {
    const order = newInstanceBody();
    await s.send(order, { product: "slow" });
    await eventually(async () => (await instance("slow", order.businessId)).state === "active", "provisioning");
    const r = await s.send({ activity: "releaseInstance", instanceId: order.businessId }, { product: "slow" });
    expect(r.json.resultCode).to.equal("000000");
    expect((await instance("slow", order.businessId)).state).to.equal("released");
    expect((await s.send({ activity: "releaseInstance", instanceId: order.businessId }, { product: "slow" })).json.resultCode).to.equal("000000");
    await eventually(async () => (await db()("koogate_jobs").where({ instance_id: order.businessId, activity: "releaseInstance" }).first())?.state === "done", "the release job");
    expect(await adapterCalls(db(), "releaseInstance", order.businessId)).to.equal(1);
  });
});

describe("resuming work a dead process left behind", () => {
  it("takes over a job whose holder stopped renewing its lease, and completes the instance", async () => {
    const products = { "slow.yaml": recordingYaml("slow", {}, provisioning({ budgetMs: 100 })) };
    const s = await startServer({ adapters: [RecordingAdapter], products });
    const order = newInstanceBody();
    try {
      // What a process killed mid-provisioning leaves: the instance answered and provisioning, its job
      // held by an owner that will never renew the lease.
      const now = Date.now();
      await s.koogate.db.transaction(async (trx) => {
        await trx("koogate_instances").insert({
          product_id: "slow", instance_id: order.businessId, order_id: order.orderId, order_line_id: order.orderLineId,
          business_id: order.businessId, state: "provisioning", test: false, created_at: now, updated_at: now,
        });
        await trx("koogate_jobs").insert({
          product_id: "slow", activity: "newInstance", instance_id: order.businessId, test: false, state: "pending", attempts: 1,
          payload: JSON.stringify({ instanceId: order.businessId, orderId: order.orderId, orderLineId: order.orderLineId }),
          next_attempt_at: now, owner: "dead-process", lease_until: now - 1, created_at: now, updated_at: now,
        });
      });
      await eventually(
        async () => (await s.koogate.db("koogate_instances").where({ instance_id: order.businessId }).first()).state === "active",
        "the job to be taken over",
      );
      const jobRow = await s.koogate.db("koogate_jobs").where({ instance_id: order.businessId }).first();
      expect(jobRow).to.include({ state: "done", attempts: 2 });
      expect(await countRows(s.koogate.db, "test_adapter_calls", { instance_id: order.businessId })).to.equal(1);
    } finally {
      await s.close();
    }
  });
});
