import { expect } from "chai";
import { DemoSaasAdapter } from "../../adapters/demo-saas.js";
import { SetupError } from "../../core/errors.js";
import { registerKind } from "../../core/kinds/index.js";
import { signBasicRequest } from "../../core/signing/basic.js";
import { readReply, type Reply } from "../support/client.js";
import { FixtureGreeterAdapter, greeterKind, greeterYaml, IncompleteGreeterAdapter } from "../fixtures/kinds/greeter/index.js";
import { productYaml, startServer, TEST_KEY, type TestServer } from "../support/server.js";

async function greet(s: TestServer, product: string, body: object, query?: string): Promise<Reply> {
  const text = JSON.stringify(body);
  const q = query ?? signBasicRequest({ accessKey: TEST_KEY, body: text }).query;
  return readReply(await fetch(`${s.url}/greet/${product}?${q}`, { method: "POST", body: text }), [TEST_KEY]);
}

async function until(what: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("product kinds as plug-ins: a kind registered only in a test", () => {
  let s: TestServer;
  let unregister: () => void;
  before(async () => {
    FixtureGreeterAdapter.remembered = [];
    unregister = registerKind(greeterKind);
    s = await startServer({
      adapters: [DemoSaasAdapter, FixtureGreeterAdapter],
      products: { "hello.yaml": greeterYaml("hello"), "test-saas.yaml": productYaml("test-saas") },
    });
  });
  after(async () => {
    await s?.close();
    unregister?.();
  });

  it("is served end to end: signed answer, its own table, the event log and its outbox job", async () => {
    const r = await greet(s, "hello", { name: "Ada" });
    expect(r.status).to.equal(200);
    expect(r.bodySignProblem).to.equal(null);
    expect(r.json).to.deep.equal({ resultCode: "000000", resultMsg: "success.", text: "Hello, Ada!" });
    const db = s.koogate.db;
    expect(await db("fixture_greetings").where({ product_id: "hello" }).select("name", "text")).to.deep.equal([{ name: "Ada", text: "Hello, Ada!" }]);
    const event = await db("koogate_events").where({ product_id: "hello" }).first();
    expect(event).to.include({ activity: "greet", verdict: "processed", result_code: "000000" });
    await until(async () => (await db("koogate_jobs").where({ product_id: "hello", state: "done" })).length === 1);
    expect(FixtureGreeterAdapter.remembered).to.deep.equal(["Ada"]);
  });

  it("queues a job once per dedupe key, however often the call comes", async () => {
    await greet(s, "hello", { name: "Bob" });
    await greet(s, "hello", { name: "Bob" });
    expect(await s.koogate.db("koogate_jobs").where({ product_id: "hello", dedupe_key: "remember:Bob" })).to.have.length(1);
  });

  it("gets the pipeline's refusals: a replayed nonce is refused 000001, with a Body-Sign", async () => {
    const text = JSON.stringify({ name: "Eve" });
    const { query } = signBasicRequest({ accessKey: TEST_KEY, body: text });
    expect((await greet(s, "hello", { name: "Eve" }, query)).json.resultCode).to.equal("000000");
    const again = await greet(s, "hello", { name: "Eve" }, query);
    expect(again.json.resultCode).to.equal("000001");
    expect(again.bodySignProblem).to.equal(null);
  });

  it("keeps the other kinds' routes apart: a greeter is not served at /produce, a SaaS listing not at /greet", async () => {
    expect((await s.send({ activity: "queryInstance", instanceId: "x" }, { product: "hello" })).status).to.equal(404);
    expect((await greet(s, "test-saas", { name: "Ada" })).status).to.equal(404);
    expect((await s.send({ activity: "queryInstance", instanceId: "x" })).json.resultCode).to.equal("000003");
  });

  it("refuses a definition of the kind with a misspelt field, naming it", async () => {
    const e = await startServer({ adapters: [FixtureGreeterAdapter], products: { "g.yaml": greeterYaml("g", "greting: Hi") } }).then(
      () => expect.fail("started"),
      (err: unknown) => err,
    );
    expect(e).to.be.instanceOf(SetupError);
    expect((e as Error).message).to.match(/g\.yaml \/: unknown field "greting" \(a typo\?\)/);
  });

  it("refuses an adapter class that lacks a method of its kind, naming the method", async () => {
    const yaml = greeterYaml("g").replace("FixtureGreeterAdapter", "IncompleteGreeterAdapter");
    const e = await startServer({ adapters: [IncompleteGreeterAdapter], products: { "g.yaml": yaml } }).then(
      () => expect.fail("started"),
      (err: unknown) => err,
    );
    expect((e as Error).message).to.match(/\/adapter: adapter IncompleteGreeterAdapter has no method remember/);
  });

  it("parks a job whose type or product is unknown, and runs the rest of its batch", async () => {
    const db = s.koogate.db;
    const now = Date.now();
    const row = (productId: string, activity: string) => ({
      product_id: productId,
      activity,
      instance_id: "",
      payload: "Zed",
      test: false,
      state: "pending",
      attempts: 0,
      next_attempt_at: now,
      owner: null,
      lease_until: 0,
      created_at: now,
      updated_at: now,
    });
    await db("koogate_jobs").insert([row("hello", "noSuchJob"), row("no-such-product", "remember"), row("hello", "remember")]);
    await until(async () => FixtureGreeterAdapter.remembered.includes("Zed"));
    const parked = await db("koogate_jobs").whereIn("activity", ["noSuchJob"]).orWhere("product_id", "no-such-product").select("state", "last_error");
    expect(parked.map((j: { state: string }) => j.state)).to.deep.equal(["failed", "failed"]);
    expect(parked.map((j: { last_error: string }) => j.last_error).join()).to.match(/no job type "noSuchJob"/).and.match(/product no longer served/);
  });
});
