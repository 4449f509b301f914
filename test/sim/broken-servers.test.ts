/**
 * The simulator must catch a broken merchant server (issue 4, point 3). A small fake merchant, written
 * here on node:http, answers well-formed JSON but verifies no signature, so it accepts tampered,
 * replayed and stale requests; each test switches on one more fault and asserts the simulator fails it
 * for that reason.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { signBody } from "../../core/signing/body-sign.js";
import { closeServer, failures, fakeProduct, listenOnLoopback, run, target } from "../support/sim.js";

const KEY = "fake-merchant-key-0123456789";

type Fault = "none" | "no Body-Sign" | "Body-Sign over other bytes" | "new instanceId on every resend" | "HTTP 500";

describe("koogate sim against deliberately broken servers", () => {
  let server: Server;
  let url = "";
  let fault: Fault = "none";
  const firstDelivery = new Map<string, string>();

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, string>;
        const answer: Record<string, unknown> = { resultCode: "000000", resultMsg: "success." };
        if (body.activity === "newInstance") {
          const line = `${body.orderId}/${body.orderLineId}`;
          if (!firstDelivery.has(line)) firstDelivery.set(line, body.businessId!);
          answer.instanceId = fault === "new instanceId on every resend" ? randomUUID() : firstDelivery.get(line);
        }
        if (body.activity === "queryInstance") {
          answer.info = [{ instanceId: body.instanceId, appInfo: { frontEndUrl: "https://fake.test/", userName: "u", password: "p" } }];
        }
        const text = JSON.stringify(answer);
        if (fault !== "no Body-Sign") res.setHeader("Body-Sign", signBody(KEY, fault === "Body-Sign over other bytes" ? `${text}\n` : text));
        res.writeHead(fault === "HTTP 500" ? 500 : 200, { "content-type": "application/json" });
        res.end(text);
      });
    });
    url = await listenOnLoopback(server);
  });
  beforeEach(() => {
    fault = "none";
  });
  after(() => closeServer(server));

  const fake = () => target(fakeProduct(KEY), url);

  it("passes the lifecycle and the retry storm on the fake without a fault (so each failure below is its fault's)", async () => {
    expect(failures(await run("lifecycle", fake()))).to.deep.equal([]);
    expect(failures(await run("retry-storm", fake()))).to.deep.equal([]);
  });

  it("fails a server that sends no Body-Sign", async () => {
    fault = "no Body-Sign";
    const r = await run("lifecycle", fake());
    expect(r.passed).to.equal(false);
    expect(r.summary.failed).to.equal(r.summary.steps);
    expect(new Set(r.steps.flatMap((s) => s.failures))).to.deep.equal(new Set(["no Body-Sign header (docs/marketplace/saas.md §3)"]));
  });

  it("fails a server whose Body-Sign is made over other bytes than it sends", async () => {
    fault = "Body-Sign over other bytes";
    const r = await run("lifecycle", fake());
    expect(r.passed).to.equal(false);
    expect(new Set(r.steps.flatMap((s) => s.failures))).to.deep.equal(new Set(["Body-Sign does not verify over the exact bytes received (docs/marketplace/saas.md §3)"]));
  });

  it("fails a server that answers a new instanceId on every resend", async () => {
    fault = "new instanceId on every resend";
    const r = await run("retry-storm", fake(), { count: "3" });
    expect(r.passed).to.equal(false);
    const same = r.steps.find((s) => s.activity === "same instanceId")!;
    expect(same.verdict).to.equal("FAIL");
    expect(same.failures[0]).to.match(/^6 different instanceIds over 6 deliveries/);
    expect(r.steps.find((s) => s.activity === "identical bodies")!.verdict).to.equal("FAIL");
    const sequential = r.steps.filter((s) => s.label?.endsWith("in sequence"));
    expect(sequential.every((s) => s.failures.some((f) => f.includes("differs from the first delivery's")))).to.equal(true);
  });

  it("fails a server that answers 000000 to a tampered request", async () => {
    const r = await run("tamper", fake());
    expect(r.passed).to.equal(false);
    expect(failures(r)).to.deep.equal(["1 newInstance: resultCode 000000, expected 000001 (resultMsg \"success.\")"]);
  });

  it("fails a server that accepts a replayed request", async () => {
    const r = await run("replay", fake());
    expect(failures(r)).to.deep.equal(["2 newInstance: resultCode 000000, expected 000001 (resultMsg \"success.\")"]);
  });

  it("fails a server that accepts timestamps outside the 60 s window", async () => {
    const r = await run("stale", fake());
    expect(failures(r)).to.deep.equal([
      "1 newInstance: resultCode 000000, expected 000002 (resultMsg \"success.\")",
      "2 newInstance: resultCode 000000, expected 000002 (resultMsg \"success.\")",
    ]);
  });

  it("fails a server that answers HTTP 500", async () => {
    fault = "HTTP 500";
    const r = await run("newInstance", fake());
    expect(failures(r)).to.deep.equal(["1 newInstance: HTTP 500, expected 200 (docs/marketplace/saas.md §1)"]);
  });

  it("stops a scenario, failed, when the purchase answers no instanceId to act on", async () => {
    // a port that was free a moment ago: nothing listens there
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const r = await run("lifecycle", target(fakeProduct(KEY), `http://127.0.0.1:${port}`));
    expect(r.passed).to.equal(false);
    expect(r.steps.map((s) => s.activity)).to.deep.equal(["newInstance", "(stopped)"]);
    expect(r.steps[0]!.failures[0]).to.equal(`no answer: connection refused at 127.0.0.1:${port}: is the server running (npm start)?`);
  });
});
