import { createPublicKey } from "node:crypto";
import { expect } from "chai";
import { privateKeyFrom, signLicense, verifyLicense, type LicensePayload } from "../../../../core/kinds/license/signed-licence.js";
import { SignatureError } from "../../../../core/signing/signature-error.js";

/** The licence format's verifier refuses as every verifier of core/signing/ does: one SignatureError, a reason each. */
describe("a signed licence's offline check (core/kinds/license/signed-licence.ts)", () => {
  const key = privateKeyFrom(Buffer.alloc(32, 7).toString("base64"));
  const publicKey = createPublicKey(key);
  const payload: LicensePayload = { v: 1, product: "lic", instanceId: "i-1", notBefore: "2025-01-01T00:00:00.000Z", notAfter: "2026-01-01T00:00:00.000Z", issuedAt: "2025-01-01T00:00:00.000Z", id: "l-1" };
  const inside = new Date("2025-06-01T00:00:00Z");
  const refusal = (licence: string, now = inside) => {
    try {
      verifyLicense(licence, publicKey, { now });
    } catch (e) {
      expect(e).to.be.instanceOf(SignatureError);
      return { reason: (e as SignatureError).reason, message: (e as SignatureError).message };
    }
    return undefined;
  };

  it("answers the payload of a licence signed with the key's private half, inside its window", () => {
    expect(verifyLicense(signLicense(payload, key), publicKey, { now: inside })).to.deep.equal(payload);
  });

  it("refuses text that is not payload.signature as malformed", () => {
    expect(refusal("no-dot-here")).to.deep.equal({ reason: "malformed", message: "not a licence (payload.signature)" });
  });

  it("refuses a licence signed with another key as bad-signature", () => {
    const other = privateKeyFrom(Buffer.alloc(32, 8).toString("base64"));
    expect(refusal(signLicense(payload, other))).to.deep.equal({ reason: "bad-signature", message: "the signature does not verify with this public key" });
  });

  it("refuses a licence before its notBefore as future", () => {
    expect(refusal(signLicense(payload, key), new Date("2024-12-31T00:00:00Z"))?.reason).to.equal("future");
  });

  it("refuses a licence after its notAfter as stale", () => {
    expect(refusal(signLicense(payload, key), new Date("2026-01-02T00:00:00Z"))).to.deep.equal({ reason: "stale", message: "expired at 2026-01-01T00:00:00.000Z" });
  });
});
