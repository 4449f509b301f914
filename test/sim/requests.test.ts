import { expect } from "chai";
import { signBody } from "../../core/signing/body-sign.js";
import { judge } from "../../core/simulation/judge.js";
import { newInstanceBody, queryInstanceBody, updateInstanceStatusBody } from "../../core/simulation/bodies.js";
import { basicRequest } from "../../core/simulation/requests/basic.js";
import type { WireReply, WireRequest } from "../../core/simulation/wire.js";
import { tamperOneByte } from "../../core/simulation/wire.js";
import { fakeProduct, target } from "../support/sim.js";

// docs/marketplace/saas.md §10.2 (self-computed, cross-checked with Java and Node), key made up by the spec's authors.
const KEY = "00000000-1111-2222-3333-444444444444";
const t = target(fakeProduct(KEY), "http://127.0.0.1:9");
const INSTANCE = "10e758d0-31ad-4c4b-8f1b-81d03469a10e";

function queryOf(req: WireRequest): URLSearchParams {
  return new URL(req.url).searchParams;
}

describe("the simulator's request builder (docs/marketplace/saas.md §2.1, known answers of §10.2)", () => {
  it("builds the documented queryInstance body and signs it as vector S1", () => {
    const nonce = "9FB42E04DF4594B1FAA50B304E647AD7154AB9B4F144A65F1168886540A8B24C";
    const req = basicRequest(t, queryInstanceBody({ instanceId: INSTANCE, testFlag: "0" }), { nonce, timestamp: "1680508237508" });
    expect(req.body!.toString()).to.equal(`{"activity":"queryInstance","instanceId":"${INSTANCE}","testFlag":"0"}`);
    expect(queryOf(req).get("signature")).to.equal("054A864E9553498F685A3100C69D4A2365BE16B2402695FF08105346AD7BA9EF");
    expect(queryOf(req).get("timestamp")).to.equal("1680508237508");
    expect(queryOf(req).get("nonce")).to.equal(nonce);
  });

  it("builds the documented updateInstanceStatus body and signs it as vector S2", () => {
    const nonce = "9F26B85CAEB3A8439221BA293E9250BC5EA689225B523C291EA75CC76B469510";
    const req = basicRequest(t, updateInstanceStatusBody({ instanceId: INSTANCE, status: "FREEZE", testFlag: "1" }), { nonce, timestamp: "1680509558159" });
    expect(req.body!.toString()).to.equal(`{"activity":"updateInstanceStatus","instanceId":"${INSTANCE}","status":"FREEZE","testFlag":"1"}`);
    expect(queryOf(req).get("signature")).to.equal("39A521202B0D7BD4098C1ABE06391F620D341589479A1869D44A65401AC2381C");
  });

  it("sends newInstance fields in table order and signs their canonical form, as vector S3", () => {
    const nonce = "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF";
    const body = newInstanceBody({
      orderId: "CS2211181819B4LVS",
      orderLineId: "CS2211181819B4LVS-000001",
      businessId: "61e834ba-7b97-4418-b8f7-e5345137278c",
      testFlag: "1",
    });
    const req = basicRequest(t, body, { nonce, timestamp: "1700000000000" });
    expect(req.body!.toString()).to.equal(
      '{"activity":"newInstance","orderId":"CS2211181819B4LVS","orderLineId":"CS2211181819B4LVS-000001","businessId":"61e834ba-7b97-4418-b8f7-e5345137278c","testFlag":"1"}',
    );
    expect(queryOf(req).get("signature")).to.equal("56C48EB41171C2C390885B405DCC3C0D2DD653551AAABFE9E446466F6BA8834E");
    expect(req.url.startsWith("http://127.0.0.1:9/produce/fake?signature=")).to.equal(true);
  });

  it("changes exactly one byte when tampering, and keeps the body JSON", () => {
    const req = basicRequest(t, queryInstanceBody({ instanceId: INSTANCE, testFlag: "0" }));
    const bad = tamperOneByte(req);
    const diff = [...req.body!].filter((b, i) => bad.body![i] !== b);
    expect(diff).to.have.length(1);
    expect(bad.url).to.equal(req.url);
    expect(() => JSON.parse(bad.body!.toString())).to.not.throw();
  });
});

describe("how the simulator judges an answer (docs/marketplace/saas.md §3, §6, §7)", () => {
  const req = basicRequest(t, queryInstanceBody({ instanceId: INSTANCE, testFlag: "0" }));
  const reply = (body: string, bodySign: string | null, status = 200): WireReply => ({ status, bytes: Buffer.from(body), bodySign, latencyMs: 1 });
  const S6_BODY = '{"resultCode":"000000","resultMsg":"success."}';
  const S6_SIGN = 'sign_type="HMAC-SHA256", signature= "wd1JabGmHPwqq+/pu2hy00t74rTgYioCEzR6Mm27LbU="';
  const S7_SIGN = 'sign_type="HMAC-SHA256", signature= "qC1ZcHvyEfYr1BA8VPNzAQJmuerIGOicij+nZYmDBGc="';

  it("accepts the Body-Sign of vector S6 over its body", () => {
    expect(judge("updateInstanceStatus", req, reply(S6_BODY, S6_SIGN), { codes: ["000000"] }).failures).to.deep.equal([]);
  });

  it("refuses a Body-Sign made over other bytes (vector S7's signature on S6's body)", () => {
    expect(judge("updateInstanceStatus", req, reply(S6_BODY, S7_SIGN), { codes: ["000000"] }).failures).to.deep.equal([
      "Body-Sign does not verify over the exact bytes received (docs/marketplace/saas.md §3)",
    ]);
  });

  it("refuses a result code that is not one of the marketplace's", () => {
    const body = '{"resultCode":"0","resultMsg":"ok"}';
    expect(judge("updateInstanceStatus", req, reply(body, signOf(body)), { codes: ["000000"] }).failures).to.deep.equal([
      "resultCode 0 is not a marketplace result code (docs/marketplace/saas.md §6)",
    ]);
  });

  it("decrypts credentials of vector S11 with encryptType 2 and refuses them as encryptType 1", () => {
    const entry = (encryptType: string) =>
      JSON.stringify({ resultCode: "000000", resultMsg: "success.", info: [{ instanceId: INSTANCE, appInfo: { userName: "AbCdEf0123456789In1E0OgWDNxbOTkXE1jppA==" }, encryptType }] });
    const ok = entry("2");
    expect(judge("queryInstance", req, reply(ok, signOf(ok)), { codes: ["000000"] }).withCredentials).to.deep.equal([INSTANCE]);
    const wrong = entry("1");
    expect(judge("queryInstance", req, reply(wrong, signOf(wrong)), { codes: ["000000"] }).failures).to.deep.equal([
      `${INSTANCE}: appInfo.userName does not decrypt with the product's key and encryptType 1 (docs/marketplace/saas.md §7)`,
    ]);
  });
});

/** Body-Sign of `body` with the product's key (core/signing/body-sign.ts, itself checked against S6/S7). */
function signOf(body: string): string {
  return signBody(KEY, body);
}
