/**
 * `koogate sim <product> v1-lifecycle` (docs/marketplace/saas.md §9) against the real server's 1.0 route, and against a
 * small fake 1.0 merchant that each test breaks in one way: the simulator must pass the first and
 * fail each fault for that fault.
 */
import { createServer, type Server } from "node:http";
import { expect } from "chai";
import { encryptCredential } from "../../core/crypto/credential.js";
import { signBody } from "../../core/signing/body-sign.js";
import { productYaml, startServer, type TestServer } from "../support/server.js";
import { closeServer, failures, fakeProduct, listenOnLoopback, run, target, targetOf } from "../support/sim.js";

const v1Yaml = (id: string) => productYaml(id, "protocol: v1").replace("  kit: [TEST_KIT_KEY]\n", "");

describe("koogate sim v1-lifecycle against the real koogate server", () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ products: { "test-v1.yaml": v1Yaml("test-v1"), "test-v1-aes128.yaml": v1Yaml("test-v1-aes128") + "\nencryptType: 2" } });
  });
  after(() => s.close());

  it("passes every step, in the documented order", async () => {
    const r = await run("v1-lifecycle", targetOf(s, "test-v1"));
    expect(failures(r)).to.deep.equal([]);
    expect(r.steps.map((x) => [x.activity, x.resultCode])).to.deep.equal([
      ["newInstance", "000000"],
      ["newInstance", "000000"],
      ["queryInstance", "000000"],
      ["refreshInstance", "000000"],
      ["expireInstance", "000000"],
      ["instanceStatus", "000000"],
      ["upgrade", "000000"],
      ["releaseInstance", "000000"],
      ["releaseInstance", "000000"],
    ]);
  });

  it("decrypts the newInstance credentials and leaves one released instance for the order", async () => {
    const r = await run("v1-lifecycle", targetOf(s, "test-v1"));
    const instanceId = /^instanceId (\S+) · credentials decrypt$/.exec(r.steps[0]!.note ?? "")?.[1];
    expect(instanceId).to.be.a("string");
    expect(r.steps[1]!.note).to.equal(`instanceId ${instanceId} · credentials decrypt`);
    const rows = await s.koogate.db("koogate_instances").where({ product_id: "test-v1", instance_id: instanceId });
    expect(rows.map((row: { state: string }) => row.state)).to.deep.equal(["released"]);
  });

  it("decrypts with the product's encryptType 2 (AES-128)", async () => {
    const r = await run("v1-lifecycle", targetOf(s, "test-v1-aes128"));
    expect(failures(r)).to.deep.equal([]);
  });
});

type Fault = "none" | "Body-Sign over other bytes" | "password not decryptable" | "instanceId encrypted" | "no encryptType";

describe("koogate sim v1-lifecycle against a deliberately broken 1.0 server", () => {
  const KEY = "fake-v1-key-0123456789";
  let server: Server;
  let url = "";
  let fault: Fault = "none";
  const firstDelivery = new Map<string, string>();

  const enc = (text: string, key = KEY, iv?: string) => encryptCredential(text, { accessKey: key, encryptType: 1, iv });
  const appInfo = () => ({
    frontEndUrl: "https://fake.test/",
    userName: enc("fake-user"),
    // A fixed IV: with a random one, a wrong key's bytes pass the padding check about once in 256 runs.
    // With this one the product's key is known to refuse them ("bad decrypt").
    password: fault === "password not decryptable" ? enc("fake-password", "another-key", "WrongKey00000000") : enc("fake-password"),
  });

  before(async () => {
    server = createServer((req, res) => {
      const q = new URL(req.url ?? "/", "http://x").searchParams;
      const answer: Record<string, unknown> = { resultCode: "000000", resultMsg: "success." };
      if (q.get("activity") === "newInstance") {
        const order = q.get("orderId")!;
        // encrypted once, so that the resend is answered the same (short enough for 64 characters)
        if (!firstDelivery.has(order)) firstDelivery.set(order, fault === "instanceId encrypted" ? enc(q.get("businessId")!.slice(0, 8)) : q.get("businessId")!);
        answer.instanceId = firstDelivery.get(order)!;
        if (fault !== "no encryptType") answer.encryptType = "1";
        answer.appInfo = appInfo();
      }
      if (q.get("activity") === "queryInstance") answer.info = [{ instanceId: q.get("instanceId"), encryptType: "1", appInfo: appInfo() }];
      const text = JSON.stringify(answer);
      res.setHeader("Body-Sign", signBody(KEY, fault === "Body-Sign over other bytes" ? JSON.stringify(answer, null, 1) : text));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(text);
    });
    url = await listenOnLoopback(server);
  });
  beforeEach(() => {
    fault = "none";
  });
  after(() => closeServer(server));

  const fake = () => target(fakeProduct(KEY, { protocol: "v1", credentials: "encrypted" }), url);

  it("passes the fake without a fault (so each failure below is its fault's)", async () => {
    expect(failures(await run("v1-lifecycle", fake()))).to.deep.equal([]);
  });

  it("fails a server whose Body-Sign is made over other bytes than it sends", async () => {
    fault = "Body-Sign over other bytes";
    const r = await run("v1-lifecycle", fake());
    expect(r.summary.failed).to.equal(r.summary.steps);
    expect(new Set(r.steps.flatMap((x) => x.failures))).to.deep.equal(new Set(["Body-Sign does not verify over the exact bytes received (docs/marketplace/saas.md §3)"]));
  });

  it("fails a server whose appInfo password does not decrypt with the product's key", async () => {
    fault = "password not decryptable";
    const r = await run("v1-lifecycle", fake());
    const why = "appInfo.password does not decrypt with the product's key and encryptType 1 (docs/marketplace/saas.md §7)";
    expect(failures(r).map((f) => f.replace(/ [0-9a-f-]{36}: /, " "))).to.deep.equal([`1 newInstance: ${why}`, `2 newInstance: ${why}`, `3 queryInstance: ${why}`]);
  });

  it("fails a server that sends the instanceId encrypted", async () => {
    fault = "instanceId encrypted";
    const r = await run("v1-lifecycle", fake());
    expect(failures(r)).to.deep.equal([
      "1 newInstance: instanceId is encrypted: it must be sent in clear (docs/marketplace/saas.md §7)",
      "2 newInstance: instanceId is encrypted: it must be sent in clear (docs/marketplace/saas.md §7)",
    ]);
  });

  it("fails a server whose newInstance answer has no encryptType", async () => {
    fault = "no encryptType";
    const r = await run("v1-lifecycle", fake());
    expect(failures(r)).to.deep.equal([
      '1 newInstance: encryptType undefined, expected "1", the product\'s (docs/marketplace/saas.md §7, §9)',
      '2 newInstance: encryptType undefined, expected "1", the product\'s (docs/marketplace/saas.md §7, §9)',
    ]);
  });
});
