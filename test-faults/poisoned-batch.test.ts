import { expect } from "chai";
import { signBasicRequest } from "../core/signing/basic.js";
import { TEST_KEY } from "../test/support/client.js";
import { newInstanceBody } from "../test/support/orders.js";
import { startServer, type Reply, type TestServer } from "../test/support/server.js";
import { figures } from "./support/figures.js";
import { onPostgres } from "../test/support/environment.js";

const LEGITIMATE = 60;
const POISONED = 30;

/** 64 control characters (U+0001…U+001F): each one is six characters once JSON-escaped into the
 * idempotency key, so the key outgrows its PostgreSQL varchar(400) and the claim's insert fails. */
const CONTROLS = Array.from({ length: 64 }, (_, i) => String.fromCharCode(1 + (i % 31))).join("");

/** A signed call the database cannot store: a nonce holding a NUL byte (PostgreSQL text cannot hold
 * U+0000), or an order whose ids are control characters. */
function poisoned(s: TestServer, i: number): Promise<Reply> {
  if (i % 2 === 0) {
    const body = JSON.stringify(newInstanceBody());
    const nonce = `${"A".repeat(31)}\u0000${i}`;
    return s.send(body, { query: signBasicRequest({ accessKey: TEST_KEY, body, nonce }).query });
  }
  return s.send({ ...newInstanceBody(), orderId: CONTROLS, orderLineId: CONTROLS });
}

// Concurrent calls share one multi-row insert of their nonces and one of their claims: a value the
// database refuses must fail its own call only ("Hold under hostile traffic", item 3).
describe("calls the database cannot store, sent among legitimate ones (postgres)", function () {
  let s: TestServer;

  before(async function () {
    if (!onPostgres) {
      console.log("    (skipped: SQLite stores a NUL byte and any length; set KOOGATE_TEST_DATABASE_URL to a PostgreSQL server)");
      this.skip();
    }
    s = await startServer();
  });
  after(() => s?.close());

  it("answers every legitimate newInstance 000000 and stores its instance", async () => {
    const legitimate = Array.from({ length: LEGITIMATE }, () => newInstanceBody());
    // interleaved, all at once, so that poisoned and legitimate calls land in the same batches
    const sends: Array<Promise<Reply>> = [];
    const bad: Array<Promise<Reply>> = [];
    legitimate.forEach((body, i) => {
      sends.push(s.send(body));
      if (i % 2 === 0 && bad.length < POISONED) bad.push(poisoned(s, bad.length));
    });
    const [replies, badReplies] = await Promise.all([Promise.all(sends), Promise.all(bad)]);
    figures.requests += LEGITIMATE + POISONED;
    figures.faults += POISONED;
    figures.fiveHundreds += [...replies, ...badReplies].filter((r) => r.status >= 500).length;

    const ok = replies.filter((r) => r.json.resultCode === "000000");
    const codes = new Map<string, number>();
    for (const r of badReplies) codes.set(String(r.json.resultCode), (codes.get(String(r.json.resultCode)) ?? 0) + 1);
    console.log(
      `      poisoned batch: ${ok.length}/${LEGITIMATE} legitimate answered 000000, ${POISONED} poisoned answered ` +
        `(${[...codes].map(([c, n]) => `${c}: ${n}`).join(", ")})`,
    );

    expect(replies.map((r) => r.json.resultCode), "legitimate answers").to.deep.equal(legitimate.map(() => "000000"));
    const rows: Array<{ order_id: string; instance_id: string }> = await s.koogate
      .db("koogate_instances")
      .whereIn("order_id", legitimate.map((b) => b.orderId))
      .select("order_id", "instance_id");
    const stored = new Map(rows.map((r) => [r.order_id, r.instance_id]));
    expect(legitimate.map((b, i) => stored.get(b.orderId) === replies[i]!.json.instanceId), "an instance row per legitimate order").to.deep.equal(
      legitimate.map(() => true),
    );
    expect(badReplies.map((r) => r.status), "poisoned calls answered HTTP 200").to.deep.equal(badReplies.map(() => 200));
    expect(badReplies.filter((r) => r.json.resultCode === "000000"), "poisoned calls accepted").to.deep.equal([]);
    expect((await fetch(`${s.url}/healthz`)).status, "the server is still up").to.equal(200);
  });
});
