/**
 * Issue 20, "Fail fast": any problem before the server listens ends the process with status 1 and one
 * line naming the cause and the fix, however long it would otherwise have waited; and a feature that a
 * listing switches on without the settings it needs is refused by `serve` and `check` in production.
 */
import net from "node:net";
import { expect } from "chai";
import { freshDatabaseUrl } from "../support/database.js";
import { runKoogate } from "../support/process.js";
import { productYaml, TEST_KEY, TEST_KIT_KEY, writeProducts } from "../support/server.js";

/** `koogate <args>` with JSON log lines, as a supervisor would run it. */
const koogate = (args: string[], env: Record<string, string>) => runKoogate(args, { KOOGATE_LOG_FORMAT: "json", ...env });

/** A listening socket on a free loopback port, standing for another program that holds it. */
async function takenPort(): Promise<net.Server> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, r));
  return s;
}

const LICENSE_CODE = ["id: relay-license", "name: Relay licence", "kind: license", "variant: code", "adapter: DemoLicenseAdapter", "relay:", "  productIds: [OFFI-RELAY]", "keys:", "  license: [TEST_LICENSE_KEY]", ""].join("\n");
const LICENSE_ONLINE = ["id: online-license", "name: Online licence", "kind: license", "variant: online", "adapter: DemoLicenseAdapter", "keys:", "  basic: [TEST_BASIC_KEY]", ""].join("\n");
const keys = { TEST_BASIC_KEY: TEST_KEY, TEST_KIT_KEY, TEST_LICENSE_KEY: TEST_KEY };

describe("a start that cannot succeed ends at once, with the cause and the fix", () => {
  let databaseUrl: string;
  beforeEach(async () => {
    databaseUrl = await freshDatabaseUrl();
  });

  it("exits 1 naming the port and the fix when the port is taken by another process", async () => {
    const other = await takenPort();
    const port = (other.address() as net.AddressInfo).port;
    try {
      const r = await koogate(["serve"], { ...keys, PORT: String(port), KOOGATE_PRODUCTS: writeProducts(), KOOGATE_DATABASE_URL: databaseUrl });
      expect(r.code, r.stderr).to.equal(1);
      expect(r.stderr).to.include(`koogate serve: PORT: port ${port} is already in use by another process; stop that process, or set PORT to a free port\n`);
    } finally {
      other.close();
    }
  });

  it("exits 1 naming the database and KOOGATE_DATABASE_URL when the database cannot be reached", async () => {
    const closed = await takenPort();
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const r = await koogate(["serve"], { ...keys, PORT: "0", KOOGATE_PRODUCTS: writeProducts(), KOOGATE_DATABASE_URL: `postgres://koogate:s3cret-pw@127.0.0.1:${port}/koogate` });
    expect(r.code, r.stderr).to.equal(1);
    expect(r.stderr).to.match(new RegExp(`koogate serve: cannot reach the database postgres://…@127\\.0\\.0\\.1:${port}/koogate \\(.*ECONNREFUSED.*\\); check KOOGATE_DATABASE_URL`));
    expect(r.stderr).to.not.include("s3cret-pw");
  });

  describe("in production, a feature switched on without the settings it needs", () => {
    const production = { ...keys, NODE_ENV: "production", PORT: "0" };

    it("serve refuses a License listing whose licence relay has no marketplace access keys, naming the file, the field and the variables", async () => {
      const products = writeProducts({ "relay-license.yaml": LICENSE_CODE });
      const r = await koogate(["serve"], { ...production, KOOGATE_PRODUCTS: products, KOOGATE_DATABASE_URL: databaseUrl });
      expect(r.code, r.stderr).to.equal(1);
      expect(r.stderr).to.include(`koogate serve: ${products}/relay-license.yaml /relay/enabled: the licence relay activates and checks authorization codes with the marketplace, signed with the seller's access keys: set KOOGATE_MARKETPLACE_AK and KOOGATE_MARKETPLACE_SK`);
      expect(r.stderr).to.not.include('"koogate listening"');
    });

    it("check exits 1 with the same problem, and passes once the access keys are set", async () => {
      const products = writeProducts({ "relay-license.yaml": LICENSE_CODE });
      const refused = await koogate(["check"], { ...production, KOOGATE_PRODUCTS: products });
      expect(refused.code, refused.stdout + refused.stderr).to.equal(1);
      expect(refused.stderr).to.include(`koogate check: ${products}/relay-license.yaml /relay/enabled: the licence relay`);
      const passed = await koogate(["check"], { ...production, KOOGATE_PRODUCTS: products, KOOGATE_MARKETPLACE_AK: "AK-EXAMPLE", KOOGATE_MARKETPLACE_SK: "SK-EXAMPLE" });
      expect(passed.code, passed.stdout + passed.stderr).to.equal(0);
      expect(passed.stdout).to.match(/^OK {2}1 product in /m);
    });

    it("check lists every such problem at once: order notification, online licence uploads and the daily reconciliation", async () => {
      const products = writeProducts({
        "notified.yaml": productYaml("notified", "orderNotify:\n  enabled: true\n") .replace("  kit: [TEST_KIT_KEY]", "  kit: [TEST_KIT_KEY]\n  general: [TEST_BASIC_KEY]"),
        "online-license.yaml": LICENSE_ONLINE,
      });
      const r = await koogate(["check"], { ...production, KOOGATE_PRODUCTS: products, KOOGATE_RECONCILE_AT: "03:00" });
      expect(r.code, r.stdout + r.stderr).to.equal(1);
      expect(r.stderr).to.include("koogate check: 3 problems in the setup:");
      expect(r.stderr).to.include(`${products}/notified.yaml /orderNotify/enabled: order notification fetches each notified order with query order`);
      expect(r.stderr).to.include(`${products}/online-license.yaml /variant: an online License listing uploads every issued licence to the marketplace`);
      expect(r.stderr).to.include("KOOGATE_RECONCILE_AT: the daily reconciliation queries every order with the seller's access keys");
    });

    it("outside production the same listing starts, and check warns", async () => {
      const products = writeProducts({ "relay-license.yaml": LICENSE_CODE });
      const r = await koogate(["check"], { ...keys, KOOGATE_PRODUCTS: products });
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      expect(r.stdout).to.include("warning: ");
      expect(r.stdout).to.include("(NODE_ENV=production refuses to start)");
    });
  });
});
