/**
 * Nothing lost on a call the marketplace makes once (docs/marketplace/lifecycle.md "Calls made once"):
 * expiry, release and the renewals whose resending is not documented. A backend that fails once per
 * call must still hear each of them, from the outbox, while the marketplace is answered 000000; a
 * call the marketplace resends keeps answering the failure.
 */
import { expect } from "chai";
import { testDatabaseKind } from "../support/database.js";
import { LICENSE_ENV, licenseCalls, licenseYaml, RecordingLicenseAdapter } from "../support/license.js";
import { newInstanceBody } from "../support/orders.js";
import { adapterCalls, CALLS_TABLE, recordingYaml, RecordingAdapter } from "../support/recording-adapter.js";
import { startServer, type TestServer } from "../support/server.js";
import { v1Query } from "../support/v1-query.js";
import { eventually } from "../support/wait.js";

const FAST_RETRY = "provisioning: { retryBaseMs: 50 }";
const ONCE = ["refreshInstance", "updateInstanceStatus", "releaseInstance", "upgradeInstance"];
let n = 0;
const uid = (p: string) => `${p}${++n}${Date.now().toString(36)}`;

describe(`calls made once survive a backend that fails once (${testDatabaseKind})`, () => {
  let s: TestServer;
  const state = async (product: string, instanceId: string) => (await s.koogate.db("koogate_instances").where({ product_id: product, instance_id: instanceId }).first())?.state;
  const jobOf = (product: string, activity: string, instanceId: string) => s.koogate.db("koogate_jobs").where({ product_id: product, activity, instance_id: instanceId }).first();
  const done = (product: string, activity: string, instanceId: string) =>
    eventually(async () => (await jobOf(product, activity, instanceId))?.state === "done", `the ${activity} job done`);

  before(async () => {
    s = await startServer({
      products: {
        "v2.yaml": recordingYaml("once-v2", { failOnce: ONCE }, FAST_RETRY),
        "v1.yaml": recordingYaml("once-v1", { failOnce: ONCE }, `protocol: v1\n${FAST_RETRY}`),
        "parked.yaml": recordingYaml("once-parked", { failAlways: ["releaseInstance"] }, "provisioning: { retryBaseMs: 10, maxAttempts: 2 }"),
        "lic.yaml": licenseYaml("once-lic-v1", "v1", FAST_RETRY),
        "code.yaml": licenseYaml("once-code", "code"),
      },
      adapters: [RecordingAdapter, RecordingLicenseAdapter],
      env: LICENSE_ENV,
    });
    RecordingLicenseAdapter.failOnce = new Set(["renewLicense", "expireLicense", "revokeLicense", "revokeCode"]);
  });
  after(async () => {
    RecordingLicenseAdapter.failOnce = new Set();
    await s.close();
  });

  async function bought(product: string): Promise<string> {
    const r = await s.send(newInstanceBody(), { product });
    expect(r.json.resultCode).to.equal("000000");
    return r.json.instanceId as string;
  }

  for (const [activity, body, after] of [
    ["updateInstanceStatus", (id: string) => ({ activity: "updateInstanceStatus", instanceId: id, status: "FREEZE" }), "frozen"],
    ["releaseInstance", (id: string) => ({ activity: "releaseInstance", instanceId: id }), "released"],
    ["refreshInstance", (id: string) => ({ activity: "refreshInstance", instanceId: id, orderId: uid("CS"), orderLineId: "L1", scene: "RENEWAL", expireTime: "20300101000000" }), "active"],
    ["upgradeInstance", (id: string) => ({ activity: "upgradeInstance", instanceId: id, orderId: uid("CS"), orderLineId: "L1" }), "active"],
  ] as const) {
    it(`answers a 2.0 ${activity} 000000 when the backend fails, applies its state, and the outbox's retry reaches the backend`, async () => {
      const id = await bought("once-v2");
      const r = await s.send(body(id), { product: "once-v2" });
      expect(r.json.resultCode).to.equal("000000");
      expect(await state("once-v2", id)).to.equal(after);
      await done("once-v2", activity, id);
      expect(await adapterCalls(s.koogate.db, activity, id)).to.equal(2);
    });
  }

  it("keeps the order: a release answered while the failed freeze waits for its retry reaches the backend after the freeze", async () => {
    const id = await bought("once-v2");
    expect((await s.send({ activity: "updateInstanceStatus", instanceId: id, status: "FREEZE" }, { product: "once-v2" })).json.resultCode).to.equal("000000");
    expect((await s.send({ activity: "releaseInstance", instanceId: id }, { product: "once-v2" })).json.resultCode).to.equal("000000");
    expect(await state("once-v2", id)).to.equal("released");
    await done("once-v2", "releaseInstance", id);
    const heard = (await s.koogate.db(CALLS_TABLE).where({ instance_id: id }).orderBy("id")).map((r: { activity: string }) => r.activity);
    // each fails once (this backend), and each retry comes before the next call's first attempt
    expect(heard).to.deep.equal(["newInstance", "updateInstanceStatus", "updateInstanceStatus", "releaseInstance", "releaseInstance"]);
  });

  it("answers a 1.0 expireInstance and releaseInstance 000000 when the backend fails, and both reach it from the outbox", async () => {
    const orderId = uid("CS");
    const id = uid("biz");
    expect((await s.get(v1Query({ activity: "newInstance", businessId: id, orderId, expireTime: "20300101000000" }), { product: "once-v1" })).json.resultCode).to.equal("000000");
    expect((await s.get(v1Query({ activity: "expireInstance", instanceId: id, orderId }), { product: "once-v1" })).json.resultCode).to.equal("000000");
    expect(await state("once-v1", id)).to.equal("expired");
    await done("once-v1", "updateInstanceStatus", id);
    expect((await s.get(v1Query({ activity: "releaseInstance", instanceId: id, orderId }), { product: "once-v1" })).json.resultCode).to.equal("000000");
    await done("once-v1", "releaseInstance", id);
    expect(await adapterCalls(s.koogate.db, "updateInstanceStatus", id)).to.equal(2);
    expect(await adapterCalls(s.koogate.db, "releaseInstance", id)).to.equal(2);
  });

  it("answers the 1.0 licence's refreshLicense, expireLicense and releaseLicense 000000 when the backend fails, and each reaches it from the outbox", async () => {
    const get = (params: Record<string, string>) => s.get(v1Query(params), { product: "once-lic-v1" });
    const got = await get({ activity: "getLicense", orderId: uid("CS"), businessId: uid("biz"), customerId: "c1" });
    const instanceId = got.json.instanceId as string;
    for (const [activity, method, extra] of [
      ["refreshLicense", "renewLicense", { orderId: uid("CS"), expireTime: "20300101000000" }],
      ["expireLicense", "expireLicense", {}],
      ["releaseLicense", "revokeLicense", {}],
    ] as const) {
      expect((await get({ activity, instanceId, ...extra })).json.resultCode, activity).to.equal("000000");
      await done("once-lic-v1", activity, instanceId);
      expect((await licenseCalls(s.koogate.db, method)).filter((c) => c.instanceId === instanceId), method).to.have.length(2);
    }
    expect(await state("once-lic-v1", instanceId)).to.equal("released");
  });

  it("parks a call made once that keeps failing, where the delisting-risk alarm and /ops/jobs (with its retry) find it", async () => {
    const id = await bought("once-parked");
    expect((await s.send({ activity: "releaseInstance", instanceId: id }, { product: "once-parked" })).json.resultCode).to.equal("000000");
    await eventually(async () => (await jobOf("once-parked", "releaseInstance", id))?.state === "failed", "the parked job");
    const job = await jobOf("once-parked", "releaseInstance", id);
    expect(job).to.include({ attempts: 2 });
    expect(job.last_error).to.contain("backend down for releaseInstance");
    await s.koogate.ops.alarm.check();
    expect((await s.koogate.ops.alarm.active()).find((a) => a.product === "once-parked")).to.include({ condition: "parked-job", figure: 1, look: "/ops/jobs" });
  });

  it("keeps answering a failure on a call the marketplace resends (an authorization-code release), so its next delivery tries again", async () => {
    const license = uid("PL");
    const orderId = uid("CS");
    const release = () => s.send({ activity: "releaseLicenseCode", license, orderId, orderLineId: "L1" }, { product: "once-code", key: LICENSE_ENV.TEST_LICENSE_KEY });
    expect((await release()).json.resultCode).to.equal("000005");
    expect((await release()).json.resultCode).to.equal("000000");
    expect(await s.koogate.db("koogate_jobs").where({ product_id: "once-code" })).to.have.length(0);
  });
});
