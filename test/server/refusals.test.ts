/**
 * Refusals cost O(1) storage (core/serving/refusal-sampler.ts): calls refused before their signature
 * verified are counted, and only a sample of them becomes event rows and log lines.
 */
import { expect } from "chai";
import { signBasicRequest } from "../../core/signing/basic.js";
import { RefusalSampler, REFUSAL_WINDOW_MS } from "../../core/serving/refusal-sampler.js";
import { testDatabaseKind } from "../support/database.js";
import { startServer, TEST_KEY, type TestServer } from "../support/server.js";

const SAMPLE = 5;
const events = async (s: TestServer) => s.koogate.db("koogate_events").where({ product_id: "test-saas" }).orderBy("id");

describe(`refused calls are counted, a sample stored (${testDatabaseKind})`, () => {
  let s: TestServer;
  const logLines: string[] = [];
  beforeEach(async () => {
    logLines.length = 0;
    s = await startServer({ config: { refusalSample: SAMPLE }, logLines });
  });
  afterEach(() => s.close());
  const sampler = () => s.koogate.container.resolve(RefusalSampler);
  const refusedLines = () => logLines.filter((l) => /"call refused"/.test(l));

  it("writes an event row and a log line for the first calls of the minute only", async () => {
    for (let i = 0; i < 30; i++) {
      const r = await s.send({ activity: "queryInstance", instanceId: "x" }, { key: "not-the-key" });
      expect(r.json.resultCode).to.equal("000001");
    }
    expect((await events(s)).map((e: { result_code: string }) => e.result_code)).to.deep.equal(Array(SAMPLE).fill("000001"));
    expect(refusedLines()).to.have.length(SAMPLE);
  });

  it("sums up the rest in one row per reason when the minute closes", async () => {
    for (let i = 0; i < 20; i++) await s.send({ activity: "queryInstance", instanceId: "x" }, { key: "not-the-key" });
    for (let i = 0; i < 3; i++) await fetch(`${s.url}/produce/test-saas`, { method: "POST", body: "{}" });
    await sampler().flush(Date.now() + REFUSAL_WINDOW_MS);
    const rows = await events(s);
    expect(rows).to.have.length(SAMPLE + 2);
    const summaries = rows.slice(SAMPLE).map((e: { detail: string; result_code: string }) => [e.result_code, e.detail.replace(/ in the minute from .*/, "")]);
    expect(summaries).to.deep.equal([
      ["000001", "and 15 more calls refused (bad-signature)"],
      ["000002", "and 3 more calls refused (missing-parameter)"],
    ]);
    expect(logLines.filter((l) => /"calls refused, not logged one by one"/.test(l))).to.have.length(2);
  });

  it("counts every refusal by product and reason, replays included", async () => {
    const body = JSON.stringify({ activity: "queryInstance", instanceId: "none" });
    const { query } = signBasicRequest({ accessKey: TEST_KEY, body });
    const first = await s.send(body, { query });
    expect(first.json.resultCode).to.equal("000003");
    for (let i = 0; i < 12; i++) expect((await s.send(body, { query })).json.resultCode).to.equal("000001");
    const stale = signBasicRequest({ accessKey: TEST_KEY, body, timestamp: String(Date.now() - 3_600_000) }).query;
    expect((await s.send(body, { query: stale })).json.resultCode).to.equal("000002");
    expect(sampler().counts()).to.deep.equal([
      { product: "test-saas", reason: "replayed", count: 12 },
      { product: "test-saas", reason: "stale", count: 1 },
    ]);
  });

  it("writes the open minute's summary when the server stops", async () => {
    for (let i = 0; i < SAMPLE + 4; i++) await fetch(`${s.url}/produce/test-saas`, { method: "POST", body: "{}" });
    const db = s.databaseUrl;
    await s.close();
    s = await startServer({ databaseUrl: db });
    const rows = await events(s);
    expect(rows.map((e: { detail: string }) => e.detail.replace(/ in the minute from .*/, ""))).to.include("and 4 more calls refused (missing-parameter)");
  });
});
