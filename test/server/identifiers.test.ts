/**
 * One call's bad value stays its own: an identifier that is not printable (a control character, a
 * lone UTF-16 surrogate, U+FFFD from invalid UTF-8) is refused 000002 before it reaches a table, and
 * every idempotency key fits its varchar(400) column, on SQLite and PostgreSQL alike.
 */
import { expect } from "chai";
import { signAuthToken } from "../../core/signing/auth-token.js";
import { signBasic } from "../../core/signing/basic.js";
import { readReply, TEST_KEY } from "../support/client.js";
import { testDatabaseKind } from "../support/database.js";
import { productYaml, startServer, type TestServer } from "../support/server.js";

const TABLES = ["koogate_instances", "koogate_operations", "koogate_jobs", "koogate_tenants"];

/** Rows of the state tables (events and nonces are the call's own record, not its state). */
async function stateRows(s: TestServer): Promise<number> {
  let n = 0;
  for (const t of TABLES) n += Number((await s.koogate.db(t).count({ n: "*" }).first())?.n);
  return n;
}

/** POSTs `bytes` exactly as given, signed over those bytes (as KooGallery signs the raw body). */
async function sendBytes(s: TestServer, bytes: Buffer) {
  const nonce = `N${Math.random().toString(16).slice(2)}`;
  const timestamp = String(Date.now());
  const signature = signBasic({ accessKey: TEST_KEY, nonce, timestamp, payload: bytes });
  const res = await fetch(`${s.url}/produce/test-saas?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`, { method: "POST", body: new Uint8Array(bytes) });
  return readReply(res, [TEST_KEY]);
}

describe(`identifier fields that are not printable (${testDatabaseKind})`, () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({
      products: {
        "test-saas.yaml": productYaml("test-saas", "jointOperation:\n  enabled: true"),
        "test-v1.yaml": productYaml("test-v1", "protocol: v1").replace("  kit: [TEST_KIT_KEY]\n", ""),
      },
    });
  });
  after(() => s.close());

  it("refuses a lone surrogate in businessId with 000002 and writes no row", async () => {
    const r = await s.send('{"activity":"newInstance","orderId":"SUR-1","orderLineId":"SUR-1-1","businessId":"biz-\\ud800"}');
    expect(r.json).to.deep.equal({ resultCode: "000002", resultMsg: "param is invalid: businessId holds a character that is not printable" });
    expect(await stateRows(s)).to.equal(0);
  });

  it("refuses 64 control characters in orderId and orderLineId with 000002 and writes no row", async () => {
    const ctl = "\u0001\u001f\u007f\u0085".repeat(16);
    const r = await s.send({ activity: "newInstance", orderId: ctl, orderLineId: ctl, businessId: "biz-ctl" });
    expect(r.json).to.deep.equal({ resultCode: "000002", resultMsg: "param is invalid: orderId holds a character that is not printable" });
    expect(await stateRows(s)).to.equal(0);
  });

  it("refuses a body that is not valid UTF-8 with 000002, so two byte strings never become one order", async () => {
    for (const bad of [0xff, 0xfe]) {
      const bytes = Buffer.concat([Buffer.from('{"activity":"newInstance","orderId":"UTF-'), Buffer.from([bad]), Buffer.from('","orderLineId":"UTF-1","businessId":"biz-utf"}')]);
      const r = await sendBytes(s, bytes);
      expect(r.json).to.deep.equal({ resultCode: "000002", resultMsg: "param is invalid: the body is not UTF-8" });
    }
    expect(await stateRows(s)).to.equal(0);
  });

  it("refuses a control character in a 1.0 businessId with 000002 and writes no row", async () => {
    const timeStamp = new Date().toISOString().replace(/[-:TZ.]/g, "");
    const params = { activity: "newInstance", businessId: "biz\u0007", orderId: "V1-CTL", testFlag: "0", timeStamp };
    const token = signAuthToken({ accessKey: TEST_KEY, timeStamp, params: Object.entries(params) });
    const query = [...Object.entries(params), ["authToken", token]].map(([k, v]) => `${k}=${encodeURIComponent(v!)}`).join("&");
    const r = await s.get(query, { product: "test-v1" });
    expect(r.json).to.deep.equal({ resultCode: "000002", resultMsg: "param is invalid: businessId holds a character that is not printable" });
    expect(await stateRows(s)).to.equal(0);
  });

  it("refuses a lone surrogate in a sync's tenantId with 000002 and writes no row", async () => {
    const body = '{"instanceId":"i","orderId":"o","tenantId":"t\\udc00","tenantCode":"c","name":"n","domainName":"","flag":1,"testFlag":0,"timeStamp":"20220413093539534"}';
    const r = await s.sync("tenantSync", body);
    expect(r.json).to.deep.equal({ resultCode: "000002", resultMsg: "param is invalid: tenantId holds a character that is not printable" });
    expect(await stateRows(s)).to.equal(0);
  });

  it("stores a refreshInstance of four 64-character ids full of quotes under a key that fits varchar(400)", async () => {
    const q = '"\\'.repeat(32);
    const bought = await s.send({ activity: "newInstance", orderId: q, orderLineId: `${q.slice(1)}1`, businessId: q });
    expect(bought.json.resultCode).to.equal("000000");
    const refresh = { activity: "refreshInstance", instanceId: q, orderId: q, orderLineId: q, scene: "RENEWAL", expireTime: "20991231000000" };
    const first = await s.send(refresh);
    const again = await s.send(refresh);
    expect([first.json.resultCode, again.text]).to.deep.equal(["000000", first.text]);
    const keys: Array<{ idem_key: string }> = await s.koogate.db("koogate_operations").where({ activity: "refreshInstance" }).select("idem_key");
    expect(keys.map((k) => k.idem_key)).to.have.length(1);
    expect(keys[0]!.idem_key).to.match(/^sha256:[0-9a-f]{64}$/);
  });
});
