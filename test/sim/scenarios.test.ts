import { expect } from "chai";
import { SAAS_ACTIVITIES } from "../../core/vocabulary.js";
import { singleActivities } from "../../core/kinds/saas/scenarios/activities.js";
import { productYaml, startServer, type TestServer } from "../support/server.js";
import { failures, run, targetOf } from "../support/sim.js";

describe("koogate sim against the real koogate server", () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({
      products: {
        "test-saas.yaml": productYaml("test-saas"),
        // credentials AES-encrypted in queryInstance answers (docs/marketplace/saas.md §4.2, §7), with AES-128
        "enc-saas.yaml": productYaml("enc-saas", "credentials: encrypted\nencryptType: 2"),
      },
    });
  });
  after(() => s.close());

  for (const name of ["lifecycle", "trial", "unsubscribe-renewal", "retry-storm", "replay", "stale", "tamper"]) {
    it(`passes every step of ${name}`, async () => {
      const r = await run(name, targetOf(s));
      expect(failures(r)).to.deep.equal([]);
      expect(r.passed).to.equal(true);
      expect(r.summary.failed).to.equal(0);
    });
  }

  it("plays the lifecycle in the documented order, one step per call", async () => {
    const r = await run("lifecycle", targetOf(s));
    expect(r.steps.map((x) => [x.activity, x.resultCode])).to.deep.equal([
      ["newInstance", "000000"],
      ["queryInstance", "000000"],
      ["refreshInstance", "000000"],
      ["updateInstanceStatus", "000000"],
      ["updateInstanceStatus", "000000"],
      ["upgradeInstance", "000000"],
      ["releaseInstance", "000000"],
      ["releaseInstance", "000000"],
    ]);
  });

  it("decrypts encrypted credentials with the product's key and encryptType", async () => {
    const r = await run("lifecycle", targetOf(s, "enc-saas"));
    expect(failures(r)).to.deep.equal([]);
    expect(r.steps[1]!.note).to.match(/^credentials for /);
  });

  it("leaves one instance row after a retry storm of ten deliveries", async () => {
    const r = await run("retry-storm", targetOf(s), { count: "5" });
    expect(r.passed).to.equal(true);
    const instanceId = r.steps[0]!.note!.replace("instanceId ", "");
    const rows = await s.koogate.db("koogate_instances").where({ product_id: "test-saas", instance_id: instanceId });
    expect(rows).to.have.length(1);
    const events = await s.koogate.db("koogate_events").where({ product_id: "test-saas", instance_id: instanceId, activity: "newInstance" });
    expect(events.map((e: { verdict: string }) => e.verdict).sort()).to.deep.equal(["processed", ...Array(9).fill("resent")]);
  });

  it("runs each single activity on a purchased instance", async () => {
    const bought = await run("newInstance", targetOf(s));
    const instance = bought.steps[0]!.note!.replace("instanceId ", "");
    expect(singleActivities.map((x) => x.name)).to.deep.equal([...SAAS_ACTIVITIES]);
    // release last: the others need a live instance
    for (const name of ["queryInstance", "refreshInstance", "updateInstanceStatus", "upgradeInstance", "changeInstanceCheck", "releaseInstance"]) {
      const r = await run(name, targetOf(s), { instance, expect: "000000" });
      expect(failures(r), name).to.deep.equal([]);
    }
  });

  it("fails a single activity whose answer is not the one asked for with --expect", async () => {
    const r = await run("releaseInstance", targetOf(s), { instance: "no-such-instance", expect: "000000" });
    expect(r.passed).to.equal(false);
    expect(failures(r)).to.deep.equal(['1 releaseInstance: resultCode 000003, expected 000000 (resultMsg "instance is invalid")']);
  });

  it("fails every step when it signs with a key the server does not have", async () => {
    const t = targetOf(s);
    const r = await run("tamper", { ...t, product: { ...t.product, keys: { ...t.product.keys, basic: ["not-the-key"] } } });
    expect(r.passed).to.equal(false);
    // step 1 expects 000001 and gets it, but the answer is signed with the server's key, not ours
    expect(failures(r)).to.include("1 newInstance: Body-Sign does not verify over the exact bytes received (docs/marketplace/saas.md §3)");
    expect(failures(r).some((f) => f.startsWith("2 newInstance: resultCode 000001, expected 000000"))).to.equal(true);
  });
});
