import { expect } from "chai";
import type { Knex } from "knex";
import { createDatabase } from "../../../core/store/database.js";
import { startLocalMarketplace, type LocalMarketplace } from "../../../sim/marketplace/server.js";
import { DEV_MARKETPLACE_AK, DEV_MARKETPLACE_SK } from "../../../sim/marketplace/dev-keys.js";
import { freshDatabaseUrl } from "../../support/database.js";
import { LICENSE_TEST_KEY, LOCAL_PRODUCT_ID, marketplaceEnv } from "../../support/license.js";
import { startServerProcess, type ServerProcess } from "../../support/process.js";
import { productYaml, writeProducts } from "../../support/server.js";
import { onPostgres } from "../../support/environment.js";

const PER_CODE = 5;
const PER_ADDRESS = 7;

// Issue 20 item 4: the relay's limits are kept in the database, so N processes allow what one does.
describe("the licence relay's limits across two koogate processes on one PostgreSQL database", function () {
  let a: ServerProcess;
  let b: ServerProcess;
  let lm: LocalMarketplace;
  let db: Knex;

  const check = async (p: ServerProcess, listing: string, license: string) => (await fetch(`${p.url}/licenses/${listing}/check`, { method: "POST", body: JSON.stringify({ license }) })).status;
  /** The windows are the clock's minutes: start a burst early enough in one that it ends in it. */
  const awayFromTheMinutesEnd = async () => {
    const into = Date.now() % 60_000;
    if (into > 50_000) await new Promise((r) => setTimeout(r, 60_500 - into));
  };

  before(async function () {
    if (!onPostgres) {
      console.log("    (skipped: set KOOGATE_TEST_DATABASE_URL to a PostgreSQL server; .ci/run and npm run test:pg do)");
      this.skip();
    }
    lm = await startLocalMarketplace({ ak: DEV_MARKETPLACE_AK, sk: DEV_MARKETPLACE_SK });
    const relay = (id: string, perCode: number, perAddress: number) => [
      `id: ${id}`,
      "name: Relay across processes",
      "kind: license",
      "variant: code",
      "adapter: DemoLicenseAdapter",
      "keys:",
      "  license: [TEST_LICENSE_KEY]",
      "relay:",
      `  productIds: [${LOCAL_PRODUCT_ID}]`,
      `  perCodePerMinute: ${perCode}`,
      `  perAddressPerMinute: ${perAddress}`,
    ].join("\n");
    const productsDir = writeProducts({ "test-saas.yaml": productYaml("test-saas"), "bycode.yaml": relay("bycode", PER_CODE, 1000), "byaddress.yaml": relay("byaddress", 1000, PER_ADDRESS) });
    const databaseUrl = await freshDatabaseUrl();
    const env = { ...marketplaceEnv(lm.url), TEST_LICENSE_KEY: LICENSE_TEST_KEY };
    a = await startServerProcess({ databaseUrl, productsDir, env });
    b = await startServerProcess({ databaseUrl, productsDir, env });
    db = createDatabase(databaseUrl);
  });
  after(async () => {
    await Promise.all([a?.kill(), b?.kill()]);
    await db?.destroy();
    await lm?.close();
  });

  it(`lets at most perCodePerMinute (${PER_CODE}) checks of one code through, however they are spread over both processes`, async () => {
    const code = lm.state.issueLicense().code;
    lm.state.setLicenseState(code, "ALIVE");
    await awayFromTheMinutesEnd();
    const statuses = await Promise.all(Array.from({ length: 3 * PER_CODE }, (_, i) => check(i % 2 ? a : b, "bycode", code)));
    expect(statuses.filter((s) => s !== 429), statuses.join(" ")).to.have.length(PER_CODE);
  });

  it(`lets at most perAddressPerMinute (${PER_ADDRESS}) requests of one address through, however they are spread over both processes`, async () => {
    await awayFromTheMinutesEnd();
    // one client on both processes; each request a different code, so only the address limit counts
    const statuses = await Promise.all(Array.from({ length: 3 * PER_ADDRESS }, (_, i) => check(i % 2 ? a : b, "byaddress", `PLADDR${i}`)));
    expect(statuses.filter((s) => s !== 429), statuses.join(" ")).to.have.length(PER_ADDRESS);
  });
});
