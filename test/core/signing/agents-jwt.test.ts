import { createHmac } from "node:crypto";
import { expect } from "chai";
import { signAgentJwt, verifyAgentJwt } from "../../../core/signing/agents-jwt.js";
import { SignatureError, type SignatureProblem } from "../../../core/signing/signature-error.js";

// docs/marketplace/api-image-openapi.md §10.2: secret `test-secret-key`, api_key d44cd9aa-…, timestamp 1700000000000, exp 1700000300
const TOKEN =
  "eyJhbGciOiJIUzI1NiIsInNpZ25fdHlwZSI6IlNJR04iLCJ0eXAiOiJKV1QifQ." +
  "eyJhcGlfa2V5IjoiZDQ0Y2Q5YWEtZTQ4ZS1iZTE3LTI3ZjQtNWVmMzQ3NDc5N2ExIiwiZXhwIjoxNzAwMDAwMzAwLCJ0aW1lc3RhbXAiOjE3MDAwMDAwMDAwMDB9." +
  "C-jE7LZtFO1mcEJuPgTco4dM6z7CyPnK7D3oSiUCUbs";
const AK = "d44cd9aa-e48e-be17-27f4-5ef3474797a1";
const KEYS = new Map([[AK, "test-secret-key"]]);
const T0 = 1_700_000_000_000;

function refusal(authorization: string | undefined, nowMs = T0 + 60_000, keys = KEYS): SignatureProblem {
  try {
    verifyAgentJwt({ authorization, keys, nowMs });
  } catch (e) {
    expect(e).to.be.instanceOf(SignatureError);
    return (e as SignatureError).reason;
  }
  return expect.fail("the token was accepted") as never;
}

/** A token with the given header and payload, signed with `secret` (default the vector's). */
function forge(header: object, payload: object, secret = "test-secret-key"): string {
  const unsigned = `${Buffer.from(JSON.stringify(header)).toString("base64url")}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}`;
  return `${unsigned}.${createHmac("sha256", secret).update(unsigned).digest("base64url")}`;
}

describe("Agents-gateway JWT (docs/marketplace/api-image-openapi.md §6.4, §10.2)", () => {
  it("signs the §10.2 token byte for byte", () => {
    expect(signAgentJwt({ appKey: AK, appSecret: "test-secret-key", nowMs: T0 })).to.equal(TOKEN);
  });

  it("verifies the §10.2 token, bare and with Bearer, naming its APP Key", () => {
    for (const authorization of [TOKEN, `Bearer ${TOKEN}`, `bearer  ${TOKEN}`]) {
      expect(verifyAgentJwt({ authorization, keys: KEYS, nowMs: T0 + 60_000 })).to.include({ appKey: AK, timestampMs: T0 });
    }
  });

  it("refuses the token verified with another secret", () => {
    expect(refusal(TOKEN, T0, new Map([[AK, "other-secret"]]))).to.equal("bad-signature");
  });

  it("refuses an unknown APP Key as a bad signature", () => {
    expect(refusal(TOKEN, T0, new Map([["someone-else", "test-secret-key"]]))).to.equal("bad-signature");
  });

  it("refuses the token once expired (exp 1700000300 passed)", () => {
    expect(refusal(TOKEN, 1_700_000_300_000)).to.equal("stale");
  });

  it("refuses a token whose timestamp is more than 5 minutes old, without exp", () => {
    expect(refusal(forge({ alg: "HS256" }, { api_key: AK, timestamp: T0 }), T0 + 5 * 60_000 + 1)).to.equal("stale");
  });

  it("refuses a token dated more than 5 minutes in the future", () => {
    expect(refusal(TOKEN, T0 - 5 * 60_000 - 1)).to.equal("future");
  });

  it("refuses alg none and HS512, however they are signed", () => {
    expect(refusal(forge({ alg: "none" }, { api_key: AK, timestamp: T0 }))).to.equal("malformed");
    expect(refusal(forge({ alg: "HS512" }, { api_key: AK, timestamp: T0 }))).to.equal("malformed");
    const p = TOKEN.split(".")[1];
    expect(refusal(`${Buffer.from('{"alg":"none"}').toString("base64url")}.${p}.`)).to.equal("malformed");
  });

  it("refuses a payload changed after signing", () => {
    const [h, , sig] = TOKEN.split(".");
    const p = Buffer.from(JSON.stringify({ api_key: AK, exp: 1800000000, timestamp: T0 })).toString("base64url");
    expect(refusal(`${h}.${p}.${sig}`)).to.equal("bad-signature");
  });

  it("refuses a missing token, two parts, non-JSON parts and a token without timestamp", () => {
    expect(refusal(undefined)).to.equal("missing-signature");
    expect(refusal("Bearer ")).to.equal("missing-signature");
    expect(refusal(TOKEN.split(".").slice(0, 2).join("."))).to.equal("malformed");
    expect(refusal(`bm90IGpzb24.bm90IGpzb24.${TOKEN.split(".")[2]}`)).to.equal("malformed");
    expect(refusal(forge({ alg: "HS256" }, { api_key: AK }))).to.equal("missing-parameter");
    expect(refusal(forge({ alg: "HS256" }, { api_key: AK, timestamp: "soon" }))).to.equal("malformed");
  });
});
