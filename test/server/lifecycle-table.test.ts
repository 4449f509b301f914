/**
 * The lifecycle table (core/lifecycle/table.ts, docs/marketplace/lifecycle.md) walked through the real
 * server, cell by cell, for each protocol version: an instance is brought into each state by the
 * marketplace's own calls, sent each activity, and then its stored state and what the backend heard
 * must be what the table says.
 */
import { expect } from "chai";
import { LIFECYCLE_EVENTS, LIFECYCLE_STATES, TRANSITIONS, type LifecycleEvent, type LifecycleProtocol, type LifecycleState } from "../../core/lifecycle/table.js";
import { testDatabaseKind } from "../support/database.js";
import { LICENSE_ENV, licenseYaml, LICENSE_CALLS_TABLE, RecordingLicenseAdapter } from "../support/license.js";
import { newInstanceBody } from "../support/orders.js";
import { CALLS_TABLE, recordingYaml, RecordingAdapter } from "../support/recording-adapter.js";
import { startServer, type Reply, type TestServer } from "../support/server.js";
import { v1Query } from "../support/v1-query.js";

let n = 0;
const uid = (p: string) => `${p}${++n}${Date.now().toString(36)}`;

/** How one listing's protocol sends each lifecycle event, and what its backend heard. */
interface Surface {
  product: string;
  protocol: LifecycleProtocol;
  /** the events this listing's protocol sends */
  sends: readonly LifecycleEvent[];
  buy(): Promise<string>;
  /** undefined: this listing's protocol never sends the event */
  send(event: LifecycleEvent, instanceId: string): Promise<Reply> | undefined;
  heard(instanceId: string): Promise<string[]>;
}

describe(`the lifecycle table, walked through the real server (${testDatabaseKind})`, () => {
  let s: TestServer;
  const stateOf = async (product: string, id: string) => (await s.koogate.db("koogate_instances").where({ product_id: product, instance_id: id }).first()).state as string;

  before(async () => {
    s = await startServer({
      products: {
        "v2.yaml": recordingYaml("walk-v2"),
        "v1.yaml": recordingYaml("walk-v1", {}, "protocol: v1"),
        "lic.yaml": licenseYaml("walk-lic-v1", "v1"),
      },
      adapters: [RecordingAdapter, RecordingLicenseAdapter],
      env: LICENSE_ENV,
    });
  });
  after(() => s.close());

  const saasHeard = async (id: string) => (await s.koogate.db(CALLS_TABLE).where({ instance_id: id }).orderBy("id")).map((r: { activity: string; input: string }) => `${r.activity}${r.input.includes("UNFREEZE") ? ":UNFREEZE" : r.input.includes("FREEZE") ? ":FREEZE" : ""}`);

  const v2: Surface = {
    product: "walk-v2",
    protocol: "v2",
    sends: ["renew", "freeze", "unfreeze", "release", "upgrade"],
    buy: async () => (await s.send(newInstanceBody(), { product: "walk-v2" })).json.instanceId as string,
    send: (event, id) => {
      const send = (body: object) => s.send(body, { product: "walk-v2" });
      switch (event) {
        case "renew":
          return send({ activity: "refreshInstance", instanceId: id, orderId: uid("CS"), orderLineId: "L1", scene: "RENEWAL", expireTime: "20310101000000" });
        case "freeze":
        case "unfreeze":
          return send({ activity: "updateInstanceStatus", instanceId: id, status: event === "freeze" ? "FREEZE" : "UNFREEZE" });
        case "release":
          return send({ activity: "releaseInstance", instanceId: id });
        case "upgrade":
          return send({ activity: "upgradeInstance", instanceId: id, orderId: uid("CS"), orderLineId: "L1" });
        case "expire":
          return undefined;
      }
    },
    heard: saasHeard,
  };

  const v1get = (product: string, params: Record<string, string>) => s.get(v1Query(params), { product });
  const v1: Surface = {
    product: "walk-v1",
    protocol: "v1",
    sends: LIFECYCLE_EVENTS,
    buy: async () => (await v1get("walk-v1", { activity: "newInstance", businessId: uid("biz"), orderId: uid("CS"), expireTime: "20300101000000" })).json.instanceId as string,
    send: (event, id) => {
      const get = (params: Record<string, string>) => v1get("walk-v1", params);
      switch (event) {
        case "renew":
          return get({ activity: "refreshInstance", instanceId: id, orderId: uid("CS"), expireTime: "20310101000000" });
        case "expire":
          return get({ activity: "expireInstance", instanceId: id });
        case "freeze":
        case "unfreeze":
          return get({ activity: "instanceStatus", instanceId: id, instanceStatus: event === "freeze" ? "FREEZE" : "NORMAL" });
        case "release":
          return get({ activity: "releaseInstance", instanceId: id });
        case "upgrade":
          return get({ activity: "upgrade", instanceId: id, orderId: uid("CS") });
      }
    },
    heard: saasHeard,
  };

  const licence: Surface = {
    product: "walk-lic-v1",
    protocol: "v1",
    // the 1.0 licence has no freeze, unfreeze or upgrade call (docs/marketplace/license.md §4)
    sends: ["renew", "expire", "release"],
    buy: async () => (await v1get("walk-lic-v1", { activity: "getLicense", businessId: uid("biz"), orderId: uid("CS"), customerId: "c1" })).json.instanceId as string,
    send: (event, id) => {
      const get = (params: Record<string, string>) => v1get("walk-lic-v1", params);
      switch (event) {
        case "renew":
          return get({ activity: "refreshLicense", instanceId: id, orderId: uid("CS"), expireTime: "20310101000000" });
        case "expire":
          return get({ activity: "expireLicense", instanceId: id });
        case "release":
          return get({ activity: "releaseLicense", instanceId: id });
        default:
          return undefined;
      }
    },
    heard: async (id) =>
      (await s.koogate.db(LICENSE_CALLS_TABLE).orderBy("id"))
        .filter((r: { input: string }) => (JSON.parse(r.input) as { instanceId?: string }).instanceId === id)
        .map((r: { method: string }) => r.method),
  };

  /** The calls that bring a fresh instance into `state`, or undefined when this listing cannot reach it. */
  const reach: Record<LifecycleState, LifecycleEvent[]> = { active: [], frozen: ["freeze"], expired: ["expire"], released: ["release"] };

  for (const surface of [v2, v1, licence]) {
    describe(`${surface.product} (protocol ${surface.protocol})`, () => {
      for (const from of LIFECYCLE_STATES) {
        for (const event of LIFECYCLE_EVENTS) {
          const cell = TRANSITIONS[surface.protocol][event][from];
          // a cell the protocol never reaches, or an event or state this listing's calls cannot make
          if (cell === "n/a" || !surface.sends.includes(event) || !reach[from].every((e) => surface.sends.includes(e))) continue;
          it(`${event} on ${from === "frozen" || from === "released" ? "a" : "an"} ${from} instance: ${cell === "gone" ? "answers 000003, changes nothing" : `${cell.to}, ${cell.adapter ? "the backend hears it" : "the backend hears nothing"}`}`, async () => {
            const id = await surface.buy();
            for (const step of reach[from]) expect((await surface.send(step, id)!).json.resultCode).to.equal("000000");
            const before = await surface.heard(id);
            const r = await surface.send(event, id)!;
            if (cell === "gone") {
              expect(r.json.resultCode).to.equal("000003");
              expect(await stateOf(surface.product, id)).to.equal(from);
            } else {
              expect(r.json.resultCode).to.equal("000000");
              expect(await stateOf(surface.product, id)).to.equal(cell.to);
            }
            const heard = (await surface.heard(id)).slice(before.length);
            const expected = cell !== "gone" && cell.adapter ? (cell.resumes && surface !== licence ? 2 : 1) : 0;
            expect(heard, `heard ${heard.join(", ")}`).to.have.length(expected);
          });
        }
      }
    });
  }

  describe("expire → renew → expire: a renewed instance freezes again", () => {
    it("on SaaS 1.0: the backend hears the expiry, the renewal with the unfreeze after it, and the second expiry", async () => {
      const id = await v1.buy();
      for (const e of ["expire", "renew", "expire"] as const) expect((await v1.send(e, id)!).json.resultCode).to.equal("000000");
      expect(await saasHeard(id)).to.deep.equal(["newInstance", "updateInstanceStatus:FREEZE", "refreshInstance", "updateInstanceStatus:UNFREEZE", "updateInstanceStatus:FREEZE"]);
      expect(await stateOf("walk-v1", id)).to.equal("expired");
    });

    it("on the 1.0 licence: the backend hears both expiries, and the renewal says it resumes the licence", async () => {
      const id = await licence.buy();
      for (const e of ["expire", "renew", "expire"] as const) expect((await licence.send(e, id)!).json.resultCode).to.equal("000000");
      expect(await licence.heard(id)).to.deep.equal(["issueLicense", "expireLicense", "renewLicense", "expireLicense"]);
      const renewal = (await s.koogate.db(LICENSE_CALLS_TABLE).where({ method: "renewLicense" }).orderBy("id", "desc").first()) as { input: string };
      expect(JSON.parse(renewal.input)).to.include({ instanceId: id, resumes: true });
      expect(await stateOf("walk-lic-v1", id)).to.equal("expired");
    });

    it("on SaaS 2.0 (which sends UNFREEZE itself): freeze → renew → unfreeze → freeze reaches the backend each time", async () => {
      const id = await v2.buy();
      for (const e of ["freeze", "renew", "unfreeze", "freeze"] as const) expect((await v2.send(e, id)!).json.resultCode).to.equal("000000");
      expect(await saasHeard(id)).to.deep.equal(["newInstance", "updateInstanceStatus:FREEZE", "refreshInstance", "updateInstanceStatus:UNFREEZE", "updateInstanceStatus:FREEZE"]);
    });
  });
});
