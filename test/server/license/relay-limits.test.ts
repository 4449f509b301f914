import { expect } from "chai";
import { blockOf, RelayLimits } from "../../../core/kinds/license/relay/limits.js";
import { RelayWindowStore, WINDOWS_TABLE } from "../../../core/kinds/license/relay/windows.js";
import { testDatabaseKind } from "../../support/database.js";
import { LICENSE_ENV, licenseYaml, RecordingLicenseAdapter } from "../../support/license.js";
import { startServer, type TestServer } from "../../support/server.js";

// Two RelayLimits on one database stand for two processes (each has its own memory, both the same rows).
describe(`the relay's limits in the database (core/kinds/license/relay/limits.ts, ${testDatabaseKind})`, () => {
  let s: TestServer;
  const clock = { t: Date.now(), now() { return this.t; } };
  before(async () => {
    s = await startServer({ products: { "l.yaml": licenseYaml("l", "code") }, adapters: [RecordingLicenseAdapter], env: LICENSE_ENV, clock });
  });
  after(() => s.close());
  const twoProcesses = () => [new RelayLimits(s.koogate.container.resolve(RelayWindowStore), clock), new RelayLimits(s.koogate.container.resolve(RelayWindowStore), clock)] as const;

  it("lets at most the limit through two processes taking blocks of it concurrently, and loses at most a block less one per process", async () => {
    const limit = 100;
    const [a, b] = twoProcesses();
    const taken = await Promise.all(Array.from({ length: 3 * limit }, (_, i) => (i % 2 ? a : b).take("code", "l", "blocks", limit)));
    const through = taken.filter((t) => t.ok).length;
    expect(through).to.be.at.most(limit);
    expect(through).to.be.at.least(limit - 2 * (blockOf(limit) - 1));
  });

  it("refuses with the seconds left in the window", async () => {
    const [a] = twoProcesses();
    clock.t = Math.floor(Date.now() / 60_000) * 60_000 + 45_000;
    await a.take("address", "l", "203.0.113.9", 1);
    expect(await a.take("address", "l", "203.0.113.9", 1)).to.deep.equal({ ok: false, retryAfter: 15 });
  });

  it("refuses a used-up window in memory, without another statement", async () => {
    const [a] = twoProcesses();
    await a.take("address", "l", "203.0.113.10", 1);
    await a.take("address", "l", "203.0.113.10", 1);
    const row = async () => Number((await s.koogate.db(WINDOWS_TABLE).where({ scope: "address", subject: "203.0.113.10" }).first())?.hits);
    const before = await row();
    for (let i = 0; i < 20; i++) await a.take("address", "l", "203.0.113.10", 1);
    expect(await row()).to.equal(before);
  });
});
