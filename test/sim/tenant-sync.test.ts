/**
 * `koogate sim <product> tenant-sync` (docs/marketplace/saas.md §5) against the real server, with and without the
 * merchant's private key, and against a small fake sync server that refuses correctly signed calls:
 * the simulator must pass the first two and fail the third for its fault.
 */
import { createServer, type Server } from "node:http";
import { generateKeyPairSync } from "node:crypto";
import { expect } from "chai";
import { signBody } from "../../core/signing/body-sign.js";
import { productYaml, startServer, type TestServer } from "../support/server.js";
import { closeServer, failures, fakeProduct, listenOnLoopback, run, target, targetOf } from "../support/sim.js";
import { keyLists } from "../support/keys.js";

// A throwaway merchant key pair, made per run: no private key is ever committed.
const PRIVATE_PEM = generateKeyPairSync("rsa", { modulusLength: 3072 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const JOINT_OP = "jointOperation:\n  enabled: true\n  privateKey: { env: TEST_KIT_PRIVATE_KEY }";

describe("koogate sim tenant-sync against the real koogate server", () => {
  let s: TestServer;
  let bare: TestServer;
  before(async () => {
    s = await startServer({ products: { "test-saas.yaml": productYaml("test-saas", JOINT_OP) }, env: { TEST_KIT_PRIVATE_KEY: PRIVATE_PEM } });
    bare = await startServer({ products: { "test-saas.yaml": productYaml("test-saas", JOINT_OP) } });
  });
  after(async () => {
    await s.close();
    await bare.close();
  });

  it("passes every step with the clientSecret sealed to the public key of the product's private key", async () => {
    const r = await run("tenant-sync", targetOf(s));
    expect(failures(r)).to.deep.equal([]);
    expect(r.steps.map((x) => [x.activity, x.resultCode])).to.deep.equal([
      ["tenantSync", "000000"],
      ["applicationSync", "000000"],
      ["authSync", "000000"],
      ["singleOrgSync", "000000"],
      ["allOrgSync", "000000"],
      ["tenantSync", "000000"],
      ["tenantSync", "000000"],
      ["tenantSync", "000000"],
    ]);
  });

  it("leaves the server's tables holding the synced state: one deleted tenant, its app with a secret, two users, three departments", async () => {
    const db = s.koogate.db;
    const tenantIds = async () => (await db("koogate_tenants").where({ product_id: "test-saas" })).map((row: { tenant_id: string }) => row.tenant_id);
    const known = new Set(await tenantIds());
    expect((await run("tenant-sync", targetOf(s))).passed).to.equal(true);
    const fresh = (await tenantIds()).filter((id) => !known.has(id));
    expect(fresh).to.have.length(1);
    const tenantId = fresh[0]!;
    const [tenant] = await db("koogate_tenants").where({ tenant_id: tenantId });
    expect(Boolean(tenant.deleted)).to.equal(true);
    const apps = await db("koogate_applications").where({ tenant_id: tenantId });
    expect(apps).to.have.length(1);
    expect(apps[0].client_secret_sealed).to.be.a("string");
    const users = await db("koogate_app_users").where({ tenant_id: tenantId }).orderBy("user_name");
    expect(users.map((u: Record<string, unknown>) => [u.user_name, u.role])).to.deep.equal([["alice", "admin"], ["bob", "user"]]);
    const units = await db("koogate_org_units").where({ tenant_id: tenantId, deleted: false }).orderBy("org_code");
    expect(units.map((u: Record<string, unknown>) => `${String(u.org_code)}<${String(u.parent_code)}`)).to.deep.equal(["DEV<ROOT", "ROOT<null", "SALES<ROOT"]);
  });

  it("expects 000101 from applicationSync when no private key is configured, and says why", async () => {
    const r = await run("tenant-sync", targetOf(bare));
    expect(failures(r)).to.deep.equal([]);
    const app = r.steps[1]!;
    expect([app.activity, app.resultCode, app.verdict]).to.deep.equal(["applicationSync", "000101", "PASS"]);
    expect(app.label).to.equal("add · no private key configured (env TEST_KIT_PRIVATE_KEY): no clientSecret can be sealed, 000101 expected");
  });
});

type Fault = "none" | "000001 to a correctly signed call" | "Body-Sign with the basic key" | "000003 to a repeated delete";

describe("koogate sim tenant-sync against a deliberately broken sync server", () => {
  const BASIC = "fake-basic-key-0123456789";
  const KIT = "fake-kit-key-0123456789";
  let server: Server;
  let url = "";
  let fault: Fault = "none";
  const tenants = new Set<string>();

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const sync = (req.url ?? "").split("/").pop();
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
        let code = "000000";
        // like a server without the merchant's private key: it cannot open any clientSecret
        if (sync === "applicationSync") code = "000101";
        if (sync === "tenantSync") {
          const id = String(body.tenantId);
          if (body.flag === 1) tenants.add(id);
          else if (!tenants.delete(id) && fault === "000003 to a repeated delete") code = "000003";
        }
        if (fault === "000001 to a correctly signed call") code = "000001";
        const text = JSON.stringify({ resultCode: code, resultMsg: code === "000000" ? "success." : "refused" });
        res.setHeader("Body-Sign", signBody(fault === "Body-Sign with the basic key" ? BASIC : KIT, text));
        res.writeHead(200, { "content-type": "application/json" });
        res.end(text);
      });
    });
    url = await listenOnLoopback(server);
  });
  beforeEach(() => {
    fault = "none";
  });
  after(() => closeServer(server));

  const fake = () =>
    target(
      fakeProduct(BASIC, {
        keys: keyLists({ basic: [BASIC], kit: [KIT] }),
        jointOperation: { enabled: true, privateKey: null, privateKeySource: null },
      }),
      url,
    );

  it("passes the fake without a fault (so each failure below is its fault's)", async () => {
    expect(failures(await run("tenant-sync", fake()))).to.deep.equal([]);
  });

  it("fails a server that answers 000001 to correctly signed calls", async () => {
    fault = "000001 to a correctly signed call";
    const r = await run("tenant-sync", fake());
    expect(r.passed).to.equal(false);
    expect(r.summary.failed).to.equal(r.summary.steps);
    expect(failures(r)[0]).to.equal('1 tenantSync: resultCode 000001, expected 000000 (resultMsg "refused")');
    expect(failures(r)[1]).to.equal('2 applicationSync: resultCode 000001, expected 000101 (resultMsg "refused")');
  });

  it("fails a server that signs its sync answers with the basic key instead of the kit key", async () => {
    fault = "Body-Sign with the basic key";
    const r = await run("tenant-sync", fake());
    expect(r.summary.failed).to.equal(r.summary.steps);
    expect(new Set(r.steps.flatMap((x) => x.failures))).to.deep.equal(new Set(["Body-Sign does not verify over the exact bytes received (docs/marketplace/saas.md §3)"]));
  });

  it("fails a server that refuses a repeated delete", async () => {
    fault = "000003 to a repeated delete";
    const r = await run("tenant-sync", fake());
    expect(failures(r)).to.deep.equal(['8 tenantSync: resultCode 000003, expected 000000 (resultMsg "refused")']);
  });
});
