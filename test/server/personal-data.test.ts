/**
 * Personal data and secrets never rest in clear: every simulator scenario of every product, and a 1.0
 * newInstance carrying the buyer's name, phone and e-mail that outlives the provisioning budget (its
 * job is stored), then every column of every koogate table, read generically, and the whole log are
 * searched for each value sent or handed out.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { expect } from "chai";
import { inject, injectable } from "tsyringe";
import { DemoSaasAdapter, type DemoSaasOptions } from "../../adapters/demo-saas.js";
import { encryptCredential } from "../../core/crypto/credential.js";
import type { AdapterContext, NewInstanceRequest, NewInstanceResult } from "../../core/kinds/saas/adapter.js";
import { sealClientSecret } from "../../core/kinds/saas/sync/client-secret.js";
import { signAuthToken } from "../../core/signing/auth-token.js";
import { DATABASE, type Knex, SETTINGS_TOKEN } from "../../core/tokens.js";
import type { Settings } from "../../core/settings/index.js";
import { misfit } from "../../core/simulation/scenario.js";
import { SCENARIOS } from "../../sim/scenarios/index.js";
import { testDatabaseKind } from "../support/database.js";
import { productYaml, startServer, TEST_KEY, TEST_KIT_KEY, type TestServer } from "../support/server.js";
import { failures, run, targetOf } from "../support/sim.js";
import { eventually } from "../support/wait.js";

/** The demo adapter, keeping the passwords it hands out (to search for them) and slow for one product. */
@injectable()
class KeepingDemoAdapter extends DemoSaasAdapter {
  /** the sign-in user names and passwords handed out */
  static readonly passwords: string[] = [];
  static readonly userNames: string[] = [];
  constructor(@inject(DATABASE) db: Knex, @inject(SETTINGS_TOKEN) settings: Settings) {
    super(db, settings);
  }
  override async newInstance(req: NewInstanceRequest, ctx: AdapterContext<DemoSaasOptions>): Promise<NewInstanceResult> {
    if (ctx.product.id === "slow-v1") await new Promise((r) => setTimeout(r, 300));
    const result = await super.newInstance(req, ctx);
    KeepingDemoAdapter.passwords.push(result.appInfo!.password!);
    KeepingDemoAdapter.userNames.push(result.appInfo!.userName!);
    return result;
  }
}

const PRIVATE_PEM = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const yaml = (id: string, extra: string) => productYaml(id, extra).replace("DemoSaasAdapter", "KeepingDemoAdapter");
const v1 = (id: string, extra = "") => yaml(id, `protocol: v1\n${extra}`).replace("  kit: [TEST_KIT_KEY]\n", "");
const unique = (what: string) => `${what}${randomBytes(6).toString("hex")}`;

/** Every value of every column of every koogate table, as text. */
async function everyStoredValue(s: TestServer): Promise<Array<{ table: string; value: string }>> {
  const db = s.koogate.db;
  const tables: string[] =
    testDatabaseKind === "postgres"
      ? (await db.raw("SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'koogate%'")).rows.map((r: { name: string }) => r.name)
      : (await db.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'koogate%'")).map((r: { name: string }) => r.name);
  expect(tables).to.include.members(["koogate_events", "koogate_jobs", "koogate_instances", "koogate_operations", "koogate_applications"]);
  const out: Array<{ table: string; value: string }> = [];
  for (const table of tables) {
    for (const row of (await db(table).select("*")) as Array<Record<string, unknown>>) {
      for (const v of Object.values(row)) if (v !== null && v !== undefined) out.push({ table, value: String(v) });
    }
  }
  return out;
}

describe(`personal data and secrets at rest (${testDatabaseKind})`, function () {
  this.timeout(60_000);
  let s: TestServer;
  const logLines: string[] = [];
  const customer = { customerName: unique("Zhang Wei "), userName: unique("zhangwei_"), mobilePhone: `138${String(Date.now()).slice(-8)}`, email: `${unique("buyer.")}@example.test` };
  const clientSecret = unique("client-secret-");

  before(async () => {
    s = await startServer({
      products: {
        "test-saas.yaml": yaml("test-saas", "jointOperation:\n  enabled: true\n  privateKey: { env: TEST_KIT_PRIVATE_KEY }"),
        "enc-saas.yaml": yaml("enc-saas", "credentials: encrypted\nencryptType: 2"),
        "test-v1.yaml": v1("test-v1"),
        "slow-v1.yaml": v1("slow-v1", "provisioning:\n  budgetMs: 50"),
      },
      adapters: [KeepingDemoAdapter],
      env: { TEST_KIT_PRIVATE_KEY: PRIVATE_PEM },
      logLines,
    });
  });
  after(() => s.close());

  it("runs every simulator scenario of every product, and a 1.0 purchase with the buyer's details past the budget", async () => {
    for (const scenario of SCENARIOS) {
      // every product the scenario can be played against (its kind, protocol and features)
      const products = ["test-saas", "enc-saas", "test-v1"].filter((p) => misfit(scenario, s.koogate.kernel.product(p)!.product) === null);
      for (const product of products) {
        const bought = scenario.name === "newInstance" || scenario.options?.instance === undefined ? undefined : await run("newInstance", targetOf(s, product));
        const instance = bought?.steps[0]!.note!.replace("instanceId ", "");
        const r = await run(scenario.name, targetOf(s, product), instance ? { instance } : {});
        if (!["tamper", "releaseInstance"].includes(scenario.name)) expect(failures(r), `${scenario.name} on ${product}`).to.deep.equal([]);
      }
    }
    const app = { tenantId: unique("t"), instanceId: "", appId: unique("app"), clientId: "c", clientSecret: sealClientSecret(clientSecret, PRIVATE_PEM), flag: 1, testFlag: 0, timeStamp: "20220413093539534" };
    expect((await s.sync("applicationSync", app)).json.resultCode).to.equal("000000");

    const timeStamp = new Date().toISOString().replace(/[-:TZ.]/g, "");
    const encrypted = (v: string) => encryptCredential(v, { accessKey: TEST_KEY, encryptType: 1 });
    const params = { activity: "newInstance", businessId: unique("biz-"), orderId: unique("CS"), testFlag: "0", timeStamp, ...customer, mobilePhone: encrypted(customer.mobilePhone), email: encrypted(customer.email) };
    const token = signAuthToken({ accessKey: TEST_KEY, timeStamp, params: Object.entries(params) });
    const query = [...Object.entries(params), ["authToken", token]].map(([k, v]) => `${k}=${encodeURIComponent(v!)}`).join("&");
    const r = await s.get(query, { product: "slow-v1" });
    expect([r.json.resultCode, r.json.appInfo]).to.deep.equal(["000000", undefined]);
    await eventually(async () => (await s.koogate.db("koogate_jobs").where({ product_id: "slow-v1", state: "done" })).length === 1, "the 1.0 purchase's job to finish");
  });

  it("finds no key, password, sign-in user name, clientSecret, customer name, phone or e-mail in clear in any table", async () => {
    const needles = secrets();
    const found = (await everyStoredValue(s)).flatMap(({ table, value }) => needles.filter(([, n]) => value.includes(n)).map(([what]) => `${what} in ${table}`));
    expect(found).to.deep.equal([]);
  });

  it("finds none of them in the log either", () => {
    const log = logLines.join("\n");
    expect(log.length).to.be.greaterThan(1000);
    expect(secrets().filter(([, n]) => log.includes(n)).map(([what]) => what)).to.deep.equal([]);
  });

  function secrets(): Array<[string, string]> {
    expect(KeepingDemoAdapter.passwords.length).to.be.greaterThan(10);
    return [
      ["the basic key", TEST_KEY],
      ["the kit key", TEST_KIT_KEY],
      ["the private key", PRIVATE_PEM.split("\n")[1]!],
      ["the clientSecret", clientSecret],
      ["the customer name", customer.customerName],
      ["the customer's user name", customer.userName],
      ["the phone", customer.mobilePhone],
      ["the e-mail", customer.email],
      ...KeepingDemoAdapter.passwords.map((p, i): [string, string] => [`password #${i}`, p]),
      ...KeepingDemoAdapter.userNames.map((u, i): [string, string] => [`sign-in user name #${i}`, u]),
    ];
  }
});
