import { expect } from "chai";
import { createPublicKey, randomBytes } from "node:crypto";
import { DEMO_LICENSE_DEV_SEED } from "../../adapters/demo-license.js";
import { deviceDigest, privateKeyFrom, publicKeyText, signLicense, type LicensePayload } from "../../core/kinds/license/signed-licence.js";
import { main } from "../../bin/cli.js";

function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env }).then((code) => ({ code, out: out.join("\n"), err: err.join("\n") }));
}

const payload = (extra: Partial<LicensePayload> = {}): LicensePayload => ({
  v: 1,
  product: "demo-license-online",
  instanceId: "inst-1",
  device: deviceDigest("aa:bb|disk-1"),
  notBefore: "2025-01-01T00:00:00.000Z",
  notAfter: "2099-01-01T00:00:00.000Z",
  issuedAt: "2025-01-01T00:00:00.000Z",
  id: "l-1",
  ...extra,
});

describe("koogate license verify (offline check of a demo licence)", () => {
  const devKey = privateKeyFrom(DEMO_LICENSE_DEV_SEED);
  const licence = signLicense(payload(), devKey);

  it("accepts a licence signed with the development key, for its device (the fingerprint's case does not matter)", async () => {
    const r = await run(["license", "verify", licence, "--fingerprint", "AA:BB|DISK-1"]);
    expect(r).to.include({ code: 0, out: "valid: product demo-license-online, instance inst-1, bound to a device, until 2099-01-01T00:00:00.000Z" });
  });

  it("refuses it for another device (exit 1)", async () => {
    expect(await run(["license", "verify", licence, "--fingerprint", "CC:DD|DISK-9"])).to.include({ code: 1, err: "invalid: issued for another device" });
  });

  it("refuses a licence whose payload was changed after signing", async () => {
    const [body, sig] = licence.split(".");
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, "base64url").toString()), notAfter: "2199-01-01T00:00:00.000Z" })).toString("base64url");
    expect(await run(["license", "verify", `${forged}.${sig}`])).to.include({ code: 1, err: "invalid: the signature does not verify with this public key" });
  });

  it("checks with the public key given, and with the key of DEMO_LICENSE_SIGNING_KEY when none is", async () => {
    const seed = randomBytes(32).toString("base64");
    const mine = signLicense(payload(), privateKeyFrom(seed));
    expect((await run(["license", "verify", mine, "--public-key", publicKeyText(createPublicKey(privateKeyFrom(seed)))])).code).to.equal(0);
    expect((await run(["license", "verify", mine], { DEMO_LICENSE_SIGNING_KEY: seed })).code).to.equal(0);
    expect((await run(["license", "verify", mine])).code).to.equal(1);
  });

  it("refuses an expired licence at the time given", async () => {
    expect(await run(["license", "verify", licence, "--at", "2100-01-01T00:00:00Z"])).to.include({ code: 1, err: "invalid: expired at 2099-01-01T00:00:00.000Z" });
  });

  it("answers a usage error (exit 2) without a licence", async () => {
    expect((await run(["license", "verify"])).code).to.equal(2);
  });
});
