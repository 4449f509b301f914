import { expect } from "chai";
import { decryptCredential, encryptCredential } from "../../../core/crypto/credential.js";
import { sha1prngAesKey } from "../../../core/crypto/sha1prng.js";
import { openAtRest, sealAtRest } from "../../../core/crypto/at-rest.js";

const KEY = "00000000-1111-2222-3333-444444444444";

describe("credential encryption (docs/marketplace/saas.md §7, docs/marketplace/vectors.md §1)", () => {
  it("derives Java's SHA1PRNG AES keys (docs/marketplace/vectors.md §1, S8, S9)", () => {
    expect(sha1prngAesKey("test-access-key-0000", 128).toString("hex")).to.equal("0a2ce15ee2ebdb4961d293e95a9e8178");
    expect(sha1prngAesKey("test-access-key-0000", 256).toString("hex")).to.equal(
      "0a2ce15ee2ebdb4961d293e95a9e81787d5031aa096fe2d8e0e4eceda997a54f",
    );
    expect(sha1prngAesKey(KEY, 128).toString("hex")).to.equal("b8b0019995f28965092c88ca8020be05");
    expect(sha1prngAesKey(KEY, 256).toString("hex")).to.equal("b8b0019995f28965092c88ca8020be0533c1d2fa1b453ee1fc7c4865c719fe18");
    expect(sha1prngAesKey("abcde", 256).toString("hex")).to.equal("8dc54f2e15823c98aea063e339a5d4c53d1a471adbf839311f5083e7778f46fb");
    expect(sha1prngAesKey("abcde", 128).toString("hex")).to.equal("8dc54f2e15823c98aea063e339a5d4c5");
  });

  const vectors: Array<[string, string, 1 | 2, string, string]> = [
    ["test-access-key-0000", "P@ssw0rd", 2, "abcdefgh12345678", "abcdefgh12345678xLH9rsjnfE+V/G6OV43YDA=="],
    ["test-access-key-0000", "P@ssw0rd", 1, "abcdefgh12345678", "abcdefgh12345678zuxZvROzfhYYz7kMdtlfHQ=="],
    [KEY, "Huawei@12345", 1, "AbCdEf0123456789", "AbCdEf0123456789QuEPIiDH0B+nek26/X5YQQ=="],
    [KEY, "Huawei@12345", 2, "AbCdEf0123456789", "AbCdEf0123456789In1E0OgWDNxbOTkXE1jppA=="],
    [KEY, "admin", 1, "AbCdEf0123456789", "AbCdEf0123456789LmwqvCmLTCu1Y/YcUsD/Cg=="],
  ];
  for (const [accessKey, plain, encryptType, iv, out] of vectors) {
    it(`encrypts and decrypts ${plain} with encryptType ${encryptType} as the JDK does`, () => {
      expect(encryptCredential(plain, { accessKey, encryptType, iv })).to.equal(out);
      expect(decryptCredential(out, { accessKey, encryptType })).to.equal(plain);
    });
  }

  it("uses a fresh alphanumeric IV each time and still decrypts", () => {
    const a = encryptCredential("secret", { accessKey: KEY, encryptType: 1 });
    const b = encryptCredential("secret", { accessKey: KEY, encryptType: 1 });
    expect(a).to.not.equal(b);
    expect(a.slice(0, 16)).to.match(/^[A-Za-z0-9]{16}$/);
    expect(decryptCredential(b, { accessKey: KEY, encryptType: 1 })).to.equal("secret");
  });

  it("refuses any encryptType but 1 and 2", () => {
    expect(() => encryptCredential("x", { accessKey: KEY, encryptType: 3 as 1 })).to.throw(/encryptType/);
  });
});

describe("at-rest sealing", () => {
  it("opens with a rotated key list and refuses an unknown key", () => {
    const sealed = sealAtRest('{"password":"p"}', "old");
    expect(sealed).to.not.include("password");
    expect(openAtRest(sealed, ["new", "old"])).to.equal('{"password":"p"}');
    expect(() => openAtRest(sealed, ["new"])).to.throw(/no longer configured/);
  });

  it("gives every seal an IV of its own, across the blocks the IVs are drawn in, and each opens", () => {
    // more seals than one draw of IVs holds (256), so that the next block is drawn on the way
    const sealed = Array.from({ length: 600 }, (_, i) => sealAtRest(`value ${i}`, "k"));
    const ivs = sealed.map((s) => s.split(".")[2]);
    expect(new Set(ivs).size).to.equal(600);
    expect(ivs.every((iv) => Buffer.from(iv!, "base64url").length === 12)).to.equal(true);
    expect(sealed.map((s) => openAtRest(s, ["k"]))).to.deep.equal(Array.from({ length: 600 }, (_, i) => `value ${i}`));
  });
});
