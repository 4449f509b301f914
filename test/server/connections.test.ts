import { expect } from "chai";
import { signBasicRequest } from "../../core/signing/basic.js";
import { sendSigned, TEST_KEY } from "../support/client.js";
import { rawConnection, startLimitedServer, within, type LimitedServer } from "../support/limited-server.js";
import { newInstanceBody } from "../support/orders.js";
import { eventually } from "../support/wait.js";
import { SILENT_GRACE_MS } from "../../server/connection-shedding.js";

const PATH = "/produce/test-saas";

/** A signed POST of `body` as raw HTTP/1.1 text, keep-alive. */
function signedRequest(body: string): string {
  const { query } = signBasicRequest({ accessKey: TEST_KEY, body });
  return `POST ${PATH}?${query} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** The status codes of the answers in `text`, in order. */
const statuses = (text: string) => [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));

// "Hold under hostile traffic", item 4: every connection is bounded in time, and in number.
describe("connections (server/http-server.ts)", () => {
  describe("with a 1 s request timeout and a 500 ms idle timeout", () => {
    let s: LimitedServer;
    before(async () => {
      s = await startLimitedServer({ requestTimeoutMs: 1000, idleTimeoutMs: 500 });
    });
    after(() => s.close());

    it("answers a declared Content-Length over the limit, then closes the connection at once", async () => {
      const c = await rawConnection(s.port);
      c.socket.write(`POST ${PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n${"x".repeat(1000)}`);
      expect(await within(c.closed, 1000), "closed within 1 s").to.be.a("number");
      expect(statuses(c.received())).to.deep.equal([200]);
      expect(c.received()).to.match(/\r\nConnection: close\r\n/i);
      expect(c.received()).to.contain('"resultCode":"000002"');
    });

    it("answers a chunked body that grows past the limit, then closes the connection at once", async () => {
      const c = await rawConnection(s.port);
      const chunk = "y".repeat(70_000);
      c.socket.write(`POST ${PATH} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      // the body never ends: only the server can close this connection
      expect(await within(c.closed, 1000), "closed within 1 s").to.be.a("number");
      expect(statuses(c.received())).to.deep.equal([200]);
      expect(c.received()).to.match(/\r\nConnection: close\r\n/i);
    });

    it("cuts off a body sent a byte at a time once the request timeout has passed", async () => {
      const c = await rawConnection(s.port);
      c.socket.write(`POST ${PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{`);
      const drip = setInterval(() => c.socket.writable && c.socket.write(" "), 100);
      const ms = await within(c.closed, 3000);
      clearInterval(drip);
      expect(ms, "closed within the timeout and one check").to.be.a("number").within(900, 1600);
      expect(statuses(c.received())).to.deep.equal([408]);
    });

    it("cuts off headers sent a line at a time once the request timeout has passed", async () => {
      const c = await rawConnection(s.port);
      c.socket.write(`POST ${PATH} HTTP/1.1\r\nHost: x\r\n`);
      let n = 0;
      const drip = setInterval(() => c.socket.writable && c.socket.write(`X-Slow-${n++}: 1\r\n`), 100);
      const ms = await within(c.closed, 3000);
      clearInterval(drip);
      expect(ms, "closed within the timeout and one check").to.be.a("number").within(900, 1600);
    });

    it("closes a keep-alive connection left idle after its answer", async () => {
      const c = await rawConnection(s.port);
      c.socket.write(signedRequest(JSON.stringify({ activity: "queryInstance", instanceId: "none-such" })));
      await eventually(async () => c.received().includes("resultCode"), "the answer", 3000);
      const answeredAt = performance.now();
      const closed = await within(c.closed.then(() => performance.now() - answeredAt), 4000);
      expect(statuses(c.received()), "answered first").to.deep.equal([200]);
      expect(c.received(), "kept alive by its answer").not.to.match(/\r\nConnection: close\r\n/i);
      expect(c.received(), "the idle timeout announced").to.match(/\r\nKeep-Alive: timeout=0\r\n/i);
      // Node closes one second after the timeout it announces, so that a client never reuses a
      // connection the server is closing at the same moment
      expect(closed, "closed after the idle timeout").to.be.a("number").within(1400, 2000);
    });

    it("still serves several calls on one keep-alive connection", async () => {
      const c = await rawConnection(s.port);
      c.socket.write(signedRequest(JSON.stringify({ activity: "queryInstance", instanceId: "a" })));
      await eventually(async () => statuses(c.received()).length === 1, "the first answer", 3000);
      c.socket.write(signedRequest(JSON.stringify({ activity: "queryInstance", instanceId: "b" })));
      await eventually(async () => c.received().match(/"resultCode"/g)?.length === 2, "the second answer", 3000);
      expect(statuses(c.received())).to.deep.equal([200, 200]);
      expect(c.received().match(/"resultCode":"000003"/g), "both past the signature check").to.have.length(2);
      c.socket.destroy();
    });
  });

  describe("with at most 3 connections", () => {
    let s: LimitedServer;
    before(async () => {
      s = await startLimitedServer({ maxConnections: 3, requestTimeoutMs: 60_000 });
    });
    after(() => s.close());

    it("answers a call while 3 connections are held, closing the one that sent nothing, and logs it once", async () => {
      const silent = await rawConnection(s.port);
      const stalled = await Promise.all([1, 2].map(() => rawConnection(s.port)));
      for (const h of stalled) h.socket.write(`POST ${PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{`);
      await new Promise((r) => setTimeout(r, SILENT_GRACE_MS + 100));

      const r = await sendSigned(s.url, newInstanceBody(), { product: "test-saas" });
      expect(r.json.resultCode).to.equal("000000");
      expect(await within(silent.closed, 1000), "the silent connection closed").to.be.a("number");
      expect(silent.received(), "without an answer").to.equal("");
      expect(stalled.map((h) => h.socket.destroyed), "the ones sending a body are untouched").to.deep.equal([false, false]);
      const logged = s.lines.filter((l) => l.includes("connection limit reached"));
      expect(logged, "one line").to.have.length(1);
      expect(JSON.parse(logged[0]!)).to.include({ level: "warn", maxConnections: 3, closedSilent: 1, closedSlowest: 0, refused: 0 });
      for (const h of stalled) h.socket.destroy();
    });

    it("answers a call while 3 connections send bodies, closing the slowest sender", async () => {
      const slow = await rawConnection(s.port);
      slow.socket.write(`POST ${PATH} HTTP/1.1\r\n`);
      const faster = await Promise.all([1, 2].map(() => rawConnection(s.port)));
      for (const h of faster) h.socket.write(`POST ${PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{${" ".repeat(500)}`);
      await new Promise((r) => setTimeout(r, 100));

      const r = await sendSigned(s.url, newInstanceBody(), { product: "test-saas" });
      expect(r.json.resultCode).to.equal("000000");
      expect(await within(slow.closed, 1000), "the slowest closed").to.be.a("number");
      expect(faster.map((h) => h.socket.destroyed), "the others untouched").to.deep.equal([false, false]);
      for (const h of faster) h.socket.destroy();
    });
  });

  describe("with at most 2 connections per address", () => {
    let s: LimitedServer;
    before(async () => {
      s = await startLimitedServer({ maxConnections: 100, maxConnectionsPerAddress: 2, requestTimeoutMs: 60_000 });
    });
    after(() => s.close());

    it("closes a connection of the address past its bound, never another address's", async () => {
      const others = await Promise.all([1, 2].map(() => rawConnection(s.port, "127.0.0.1")));
      const mine = await Promise.all([1, 2].map(() => rawConnection(s.port, "127.0.0.2")));
      await new Promise((r) => setTimeout(r, SILENT_GRACE_MS + 100));
      const extra = await rawConnection(s.port, "127.0.0.2");

      expect(await within(Promise.race(mine.map((m) => m.closed)), 1000), "one of the address's closed").to.be.a("number");
      await new Promise((r) => setTimeout(r, 100));
      expect(mine.filter((m) => m.socket.destroyed), "exactly one").to.have.length(1);
      expect(extra.socket.destroyed, "the new one kept").to.equal(false);
      expect(others.map((o) => o.socket.destroyed), "the other address untouched").to.deep.equal([false, false]);
      for (const c of [...others, ...mine, extra]) c.socket.destroy();
    });
  });
});
