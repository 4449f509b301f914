import { expect } from "chai";
import { signBasicRequest } from "../../core/signing/basic.js";
import { testDatabaseKind } from "../support/database.js";
import { startServer, TEST_KEY, type TestServer } from "../support/server.js";

// Input that SQLite stores without a word and PostgreSQL refuses: answered 000002, not 000005.
describe(`hostile input the database could not store (${testDatabaseKind})`, () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(() => s.close());

  it("refuses a nonce longer than 128 characters with 000002", async () => {
    const body = JSON.stringify({ activity: "queryInstance", instanceId: "x" });
    const { query } = signBasicRequest({ accessKey: TEST_KEY, body, nonce: "N".repeat(129) });
    const r = await s.send(body, { query });
    expect(r.json).to.deep.equal({ resultCode: "000002", resultMsg: "nonce is longer than 128 characters" });
  });

  it("refuses a NUL character in a field with 000002", async () => {
    const r = await s.send({ activity: "updateInstanceStatus", instanceId: "a\u0000b", status: "FREEZE" });
    expect(r.json).to.deep.equal({ resultCode: "000002", resultMsg: "param is invalid: instanceId holds a NUL character" });
  });

  it("still logs a call whose activity holds a NUL character", async () => {
    const r = await s.send({ activity: "new\u0000Instance" });
    expect(r.json.resultCode).to.equal("000002");
    const events = await s.koogate.db("koogate_events").where({ activity: "new\uFFFDInstance" }).count({ n: "*" }).first();
    expect(Number(events?.n)).to.equal(1);
  });
});
