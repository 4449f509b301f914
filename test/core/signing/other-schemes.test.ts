import { expect } from "chai";
import { marketplaceRefusal } from "../../../core/serving/refusal.js";
import { SignatureError } from "../../../core/signing/signature-error.js";
import { signAuthToken, verifyAuthToken } from "../../../core/signing/auth-token.js";
import { bodySignature, signBody, verifyBodySign } from "../../../core/signing/body-sign.js";
import { signKit, verifyKit } from "../../../core/signing/kit.js";

const KEY = "00000000-1111-2222-3333-444444444444";
const HUAWEI_V1_QUERY =
  "activity=newInstance&businessId=61e834ba-7b97-4418-b8f7-e5345137278c&customerId=68cbc86abc2018ab880d92f36422fa0e&expireTime=20200727153156&orderId=CS1906666666ABCDE&productId=00301-666666-0--0&testFlag=1&timeStamp=20200727073711903";
const pairs = (q: string) => [...new URLSearchParams(q)] as Array<[string, string]>;

describe("1.0 authToken (docs/marketplace/saas.md §2.3, docs/marketplace/vectors.md §2)", () => {
  it("reproduces Huawei's published vector (key xxxxxxx)", () => {
    expect(signAuthToken({ accessKey: "xxxxxxx", timeStamp: "20200727073711903", params: pairs(HUAWEI_V1_QUERY) })).to.equal(
      "Gzbfjf9LHRBcI3bFVi++sLinCNOBF6qa7is1fvjEgYQ=",
    );
  });

  it("matches vector S5 and docs/marketplace/vectors.md §2", () => {
    expect(signAuthToken({ accessKey: KEY, timeStamp: "20200727073711903", params: pairs(HUAWEI_V1_QUERY) })).to.equal(
      "8Ok3j84xCgnXuTd3j6GHwsMS97d21VY9GMPYM585fXQ=",
    );
    expect(
      signAuthToken({
        accessKey: "test-access-key-0000",
        timeStamp: "20200727073711903",
        params: pairs("activity=newInstance&testFlag=1&timeStamp=20200727073711903"),
      }),
    ).to.equal("SzWNsUBLEzJy5XN9vxJpRqesguPbFxdpF09dXBgY3C0=");
  });

  it("verifies the Huawei request with its token sent unencoded, its '+' intact", () => {
    const v = verifyAuthToken(`${HUAWEI_V1_QUERY}&authToken=Gzbfjf9LHRBcI3bFVi++sLinCNOBF6qa7is1fvjEgYQ=`, ["xxxxxxx"]);
    expect(v.form).to.equal("decoded");
    expect(v.params.get("orderId")).to.equal("CS1906666666ABCDE");
  });

  it("verifies a token over the raw values when the decoded ones do not match", () => {
    const q = "activity=newInstance&email=a%2Bb%40c.com&timeStamp=20200727073711903";
    const token = signAuthToken({ accessKey: KEY, timeStamp: "20200727073711903", params: [...q.split("&").map((p) => p.split("=") as [string, string])] });
    const v = verifyAuthToken(`${q}&authToken=${encodeURIComponent(token)}`, [KEY]);
    expect(v.form).to.equal("raw");
    expect(v.params.get("email")).to.equal("a+b@c.com");
  });

  it("refuses a wrong token with 000001", () => {
    try {
      verifyAuthToken(`${HUAWEI_V1_QUERY}&authToken=AAAA`, ["xxxxxxx"]);
      expect.fail("accepted a wrong token");
    } catch (e) {
      expect((e as SignatureError).reason).to.equal("bad-signature");
      expect(marketplaceRefusal(e as SignatureError).resultCode).to.equal("000001");
    }
  });
});

describe("Body-Sign (docs/marketplace/saas.md §3, docs/marketplace/vectors.md §3)", () => {
  it("matches vectors S6 and S7", () => {
    expect(bodySignature(KEY, '{"resultCode":"000000","resultMsg":"success."}')).to.equal("wd1JabGmHPwqq+/pu2hy00t74rTgYioCEzR6Mm27LbU=");
    expect(
      bodySignature(KEY, '{"resultCode":"000000","resultMsg":"success.","instanceId":"61e834ba-7b97-4418-b8f7-e5345137278c"}'),
    ).to.equal("qC1ZcHvyEfYr1BA8VPNzAQJmuerIGOicij+nZYmDBGc=");
  });

  it("formats the header with the quotes and the space after signature=", () => {
    expect(signBody(KEY, '{"resultCode":"000000","resultMsg":"success."}')).to.equal(
      'sign_type="HMAC-SHA256", signature= "wd1JabGmHPwqq+/pu2hy00t74rTgYioCEzR6Mm27LbU="',
    );
  });

  it("verifies both header spellings, answering which key signed", () => {
    const body = '{"resultCode":"000000"}';
    expect(verifyBodySign(signBody(KEY, body), body, [KEY])).to.equal(0);
    expect(verifyBodySign(`sign_type="HMAC-SHA256", signature="${bodySignature(KEY, body)}"`, body, ["old-key", KEY])).to.equal(1);
  });

  it("refuses other bytes with the SignatureError every verifier throws (bad-signature)", () => {
    const body = '{"resultCode":"000000"}';
    expect(() => verifyBodySign(signBody(KEY, body), body + " ", [KEY])).to.throw(SignatureError).with.property("reason", "bad-signature");
  });

  it("refuses an answer without the header (missing-signature)", () => {
    expect(() => verifyBodySign(undefined, "{}", [KEY])).to.throw(SignatureError).with.property("reason", "missing-signature");
  });

  it("refuses a header of another form (malformed)", () => {
    expect(() => verifyBodySign("HMAC-SHA256 abc", "{}", [KEY])).to.throw(SignatureError).with.property("reason", "malformed");
  });
});

describe("joint-op x-sign (docs/marketplace/saas.md §2.2, docs/marketplace/vectors.md §4)", () => {
  const S4 =
    '{"domainName":"https://example.tenantaccount.com","flag":1,"instanceId":"huaiweitest123456","name":"huaiweitest","orderId":"CS1906666666ABCDE","tenantCode":"huawei","tenantId":"68cbc86abc2018ab880d92f36422fa0e","testFlag":0,"timeStamp":"20220413093539534"}';
  const nonce = "50D83FDECAED6CCD8EF597F2A577950527928BA287D04E6036E92B2806FD17DA";

  it("matches vector S4", () => {
    expect(signKit({ kitKey: KEY, nonce, timestamp: "1680508066618", payload: S4 })).to.equal(
      "389bb8c7f66cf71a5b2c3085153d1882ab5e7918c3630fd488281c3059e0aa73",
    );
  });

  it("verifies the vector from headers and refuses the basic key", () => {
    const headers: Record<string, string> = {
      "x-sign": "389BB8C7F66CF71A5B2C3085153D1882AB5E7918C3630FD488281C3059E0AA73",
      "x-timestamp": "1680508066618",
      "x-nonce": nonce,
    };
    const input = { rawBody: Buffer.from(S4), header: (n: string) => headers[n], nowMs: 1680508066618 };
    expect(verifyKit({ ...input, keys: [KEY] }).form).to.equal("raw");
    expect(() => verifyKit({ ...input, keys: ["basic-key"] })).to.throw(SignatureError, /x-sign does not match/);
  });
});
