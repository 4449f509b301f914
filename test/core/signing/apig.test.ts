import { createHash, createHmac } from "node:crypto";
import { expect } from "chai";
import {
  canonicalRequest,
  formatSdkDate,
  parseSdkDate,
  signApigRequest,
  verifyApigRequest,
  type ApigAuthHeaders,
} from "../../../core/signing/apig.js";
import { SignatureError, type SignatureProblem } from "../../../core/signing/signature-error.js";

// docs/marketplace/api-image-openapi.md §10 and docs/marketplace/vectors.md §5: AK `test`, SK `123`, host mkt.myhuaweicloud.com.
const HOST = "https://mkt.myhuaweicloud.com/api/mkp-openapi-public";
const KEYS = new Map([["test", "123"]]);
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** Lower-case header record of what a request carries: the given headers plus the signed ones. */
function sent(headers: Record<string, string>, auth: ApigAuthHeaders): Record<string, string> {
  const all: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...headers, ...auth })) all[k.toLowerCase()] = v;
  return all;
}

function signatureOf(auth: ApigAuthHeaders): string {
  return /Signature=([0-9a-f]{64})$/.exec(auth.Authorization)![1]!;
}

describe("SDK-HMAC-SHA256 signing (docs/marketplace/api-image-openapi.md §2)", () => {
  it("reproduces the published vector (77595ad6…)", () => {
    const auth = signApigRequest({
      method: "POST",
      url: `${HOST}/global/v1/license/activate`,
      headers: { "x-stage": "RELEASE", "X-Sdk-Date": "20240317T144237Z", "Content-Type": "application/json" },
      ak: "test",
      sk: "123",
    });
    expect(auth.Authorization).to.equal(
      "SDK-HMAC-SHA256 Access=test, SignedHeaders=content-type;host;x-sdk-date;x-stage, " +
        "Signature=77595ad624b6e4e49990b8c4e84bf1c287457fca61069c4e60b9b6765b52053d",
    );
    expect(auth.Host).to.equal("mkt.myhuaweicloud.com");
  });

  it("gives the published canonical request for that vector, empty line after the headers included", () => {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      host: "mkt.myhuaweicloud.com",
      "x-sdk-date": "20240317T144237Z",
      "x-stage": "RELEASE",
    };
    const creq = canonicalRequest({
      method: "post",
      path: "/api/mkp-openapi-public/global/v1/license/activate",
      rawQuery: "",
      header: (n) => headers[n],
      signedHeaders: Object.keys(headers),
      body: "",
    });
    expect(creq).to.equal(
      "POST\n/api/mkp-openapi-public/global/v1/license/activate/\n\n" +
        "content-type:application/json\nhost:mkt.myhuaweicloud.com\nx-sdk-date:20240317T144237Z\nx-stage:RELEASE\n\n" +
        "content-type;host;x-sdk-date;x-stage\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    // the vector's "StringToSign hash" is the canonical request's hash that the string to sign carries
    expect(sha256(creq)).to.equal(
      "9a33b07351104f6c775075faa7dc0db58ec18bc532feaa8fd0b8fcf7990b1a9e",
    );
  });

  const contentType = { "Content-Type": "application/json" };
  const table = [
    {
      name: "A1 (activate v1 with a body)",
      method: "POST",
      url: `${HOST}/global/v1/license/activate`,
      date: "20240317T144237Z",
      body: '{"license":"PLXXXXXX"}',
      signature: "721d4451908cd70cf6bf4e592a4322f7ef3a8b484e61e08e19beefec1e83cff1",
    },
    {
      name: "A2 (query order, query given unsorted)",
      method: "GET",
      url: `${HOST}/global/v1/order/query?orderLineId=MOCKPERIODYEARNEW-000001&orderId=MOCKPERIODYEARNEW`,
      date: "20240317T144237Z",
      body: "",
      signature: "df37ba3315950b108c9be5a4933a5fc864d004b012050c179dc3d22a78c99301",
    },
    {
      name: "A3 (heartbeat v2)",
      method: "POST",
      url: `${HOST}/global/v2/license/heartbeat`,
      date: "20250101T000000Z",
      body: '{"license_list":["PL****001","PL****002"]}',
      signature: "334e30228a4eaa661837dc158dcae46c516fda4eef52eca01905a7c78f4c01c2",
    },
  ];
  for (const v of table) {
    it(`reproduces the self-computed vector ${v.name} and verifies it`, () => {
      const headers = { ...contentType, "X-Sdk-Date": v.date };
      const auth = signApigRequest({ method: v.method, url: v.url, headers, body: v.body, ak: "test", sk: "123" });
      expect(signatureOf(auth)).to.equal(v.signature);
      const u = new URL(v.url);
      const ok = verifyApigRequest({
        method: v.method,
        path: u.pathname,
        rawQuery: u.search.slice(1),
        headers: sent(headers, auth),
        body: Buffer.from(v.body),
        keys: KEYS,
        nowMs: parseSdkDate(v.date)! + 60_000,
      });
      expect(ok.accessKey).to.equal("test");
      expect(ok.signedHeaders).to.deep.equal(["content-type", "host", "x-sdk-date"]);
    });
  }

  it("signs like the algorithm written out step by step (odd path, repeated and empty query keys, padded header)", () => {
    const auth = signApigRequest({
      method: "put",
      url: "http://127.0.0.1:8123/a b/ü*/x?z=1&b=2&a=%2F&a=!&flag",
      headers: { "X-Custom": "  spaced value  " },
      body: Buffer.from([0x00, 0xff, 0x10]),
      ak: "AK-1",
      sk: "SK-independent",
      date: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
    });
    const creq = [
      "PUT",
      "/a%20b/%C3%BC%2A/x/",
      "a=%21&a=%2F&b=2&flag=&z=1",
      "host:127.0.0.1:8123\nx-custom:spaced value\nx-sdk-date:20260102T030405Z\n",
      "host;x-custom;x-sdk-date",
      createHash("sha256").update(Buffer.from([0x00, 0xff, 0x10])).digest("hex"),
    ].join("\n");
    const sts = "SDK-HMAC-SHA256\n20260102T030405Z\n" + createHash("sha256").update(creq, "utf8").digest("hex");
    const expected = createHmac("sha256", Buffer.from("SK-independent")).update(sts, "utf8").digest("hex");
    expect(auth.Authorization).to.equal(`SDK-HMAC-SHA256 Access=AK-1, SignedHeaders=host;x-custom;x-sdk-date, Signature=${expected}`);
    expect(auth["X-Sdk-Date"]).to.equal("20260102T030405Z");
  });

  it("formats and parses X-Sdk-Date, refusing impossible dates", () => {
    expect(formatSdkDate(new Date(Date.UTC(2024, 2, 17, 14, 42, 37, 999)))).to.equal("20240317T144237Z");
    expect(parseSdkDate("20240317T144237Z")).to.equal(Date.UTC(2024, 2, 17, 14, 42, 37));
    expect(parseSdkDate("20240230T000000Z")).to.equal(null);
    expect(parseSdkDate("2024-03-17T14:42:37Z")).to.equal(null);
    // an hour, minute or second past its range, and years Date.UTC would read as 19xx, name no time of their own
    for (const v of ["20240317T240000Z", "20240317T146000Z", "20240317T144260Z", "20241317T000000Z", "00990317T144237Z", "00000101T000000Z"]) expect(parseSdkDate(v), v).to.equal(null);
    expect(parseSdkDate("20241231T235959Z")).to.equal(Date.UTC(2024, 11, 31, 23, 59, 59));
  });

  describe("verification refuses", () => {
    const now = Date.UTC(2024, 2, 17, 14, 42, 37);
    const url = `${HOST}/global/v1/license/activate`;
    const body = '{"license":"PLXXXXXX"}';
    const headers = { "Content-Type": "application/json", "X-Stage": "RELEASE" };
    const auth = signApigRequest({ method: "POST", url, headers, body, ak: "test", sk: "123", date: new Date(now) });
    const request = (over: { headers?: Record<string, string | undefined>; body?: string; nowMs?: number; keys?: Map<string, string> } = {}) => ({
      method: "POST",
      path: "/api/mkp-openapi-public/global/v1/license/activate",
      rawQuery: "",
      headers: { ...sent(headers, auth), ...over.headers },
      body: Buffer.from(over.body ?? body),
      keys: over.keys ?? KEYS,
      nowMs: over.nowMs ?? now,
    });
    function expectReason(input: Parameters<typeof verifyApigRequest>[0], reason: SignatureProblem) {
      try {
        verifyApigRequest(input);
      } catch (e) {
        expect(e).to.be.instanceOf(SignatureError);
        expect((e as SignatureError).reason).to.equal(reason);
        return;
      }
      expect.fail(`expected a SignatureError ${reason}`);
    }

    it("accepts the untouched request (the baseline of the cases below)", () => {
      expect(verifyApigRequest(request()).sdkDateMs).to.equal(now);
    });

    it("a body with one byte changed", () => {
      expectReason(request({ body: body.replace("PLX", "PLY") }), "bad-signature");
    });

    it("a changed signed header", () => {
      expectReason(request({ headers: { "x-stage": "TEST" } }), "bad-signature");
    });

    it("nothing when a header outside SignedHeaders is added or changed", () => {
      const v = verifyApigRequest(request({ headers: { "x-forwarded-for": "10.0.0.1", "user-agent": "gateway/2" } }));
      expect(v.signedHeaders).to.not.include("x-forwarded-for");
    });

    it("an X-Sdk-Date more than 15 minutes old", () => {
      expectReason(request({ nowMs: now + 15 * 60_000 + 1000 }), "stale");
    });

    it("an X-Sdk-Date more than 15 minutes ahead", () => {
      expectReason(request({ nowMs: now - 15 * 60_000 - 1000 }), "future");
    });

    it("an unknown access key, as a bad signature", () => {
      expectReason(request({ keys: new Map([["other", "123"]]) }), "bad-signature");
    });

    it("a signed header that is missing", () => {
      expectReason(request({ headers: { "x-stage": undefined } }), "missing-parameter");
    });

    it("a missing Authorization header", () => {
      expectReason(request({ headers: { authorization: undefined } }), "missing-signature");
    });

    it("an Authorization header of another form", () => {
      expectReason(request({ headers: { authorization: auth.Authorization.replace("SignedHeaders=", "Headers=") } }), "malformed");
    });

    it("a missing X-Sdk-Date", () => {
      expectReason(request({ headers: { "x-sdk-date": undefined } }), "missing-parameter");
    });

    it("a signature that does not cover x-sdk-date", () => {
      const trimmed = auth.Authorization.replace("host;x-sdk-date;x-stage", "host;x-stage");
      expectReason(request({ headers: { authorization: trimmed } }), "malformed");
    });

    it("a zero tolerance, which would switch the window off", () => {
      expect(() => verifyApigRequest({ ...request(), toleranceMs: 0 })).to.throw(/positive/);
    });
  });
});
