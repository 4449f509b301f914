import { expect } from "chai";
import { createServer, type Server } from "node:http";
import { BodyTimeoutError, readRawBody, type RawBody } from "../../../core/serving/raw-body.js";
import { rawConnection, within } from "../../support/limited-server.js";

const LIMIT = 100;
const TIMEOUT_MS = 300;

// A bare Node server with no timeouts of its own: whatever bounds a body here is readRawBody's.
describe("readRawBody (core/serving/raw-body.ts)", () => {
  let server: Server;
  let port: number;
  let outcome: Promise<RawBody | Error>;

  before(async () => {
    server = createServer({ requestTimeout: 0, headersTimeout: 0 }, (req, res) => {
      outcome = readRawBody(req, LIMIT, TIMEOUT_MS).catch((e: Error) => e);
      void outcome.then((r) => res.end(r instanceof Error ? "error" : r.oversize ? "oversize" : r.bytes));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const address = server.address();
    port = typeof address === "object" && address ? address.port : 0;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it("returns the exact bytes sent", async () => {
    const body = Buffer.from([0x7b, 0x00, 0xff, 0x7d]);
    const res = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body });
    expect(Buffer.from(await res.arrayBuffer())).to.deep.equal(body);
  });

  it("refuses a body that grows past the limit without waiting for the rest", async () => {
    const c = await rawConnection(port);
    c.socket.write(`POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n80\r\n${"z".repeat(128)}\r\n`);
    // the body never ends
    const r = await within(new Promise((resolve) => setTimeout(resolve, 50)).then(() => outcome), 1000);
    expect(r).to.include({ oversize: true });
    c.socket.destroy();
  });

  it("gives up on a body sent a byte at a time after its timeout, and closes the connection", async () => {
    const c = await rawConnection(port);
    c.socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{`);
    const drip = setInterval(() => c.socket.writable && c.socket.write(" "), 50);
    const ms = await within(c.closed, 2000);
    clearInterval(drip);
    expect(ms, "closed by the server").to.be.a("number").within(TIMEOUT_MS - 50, TIMEOUT_MS + 500);
    const err = await outcome;
    expect(err).to.be.instanceOf(BodyTimeoutError);
    expect((err as Error).message).to.equal(`request body not received within ${TIMEOUT_MS} ms: connection closed`);
  });
});
