import { createHmac } from "node:crypto";
import { expect } from "chai";
import { marketplaceRefusal } from "../../../core/serving/refusal.js";
import { SignatureError, type SignatureProblem } from "../../../core/signing/signature-error.js";
import { canonicalJson } from "../../../core/signing/canonical.js";
import { signBasic, signBasicRequest, verifyBasic } from "../../../core/signing/basic.js";

// docs/marketplace/vectors.md §4 and docs/marketplace/saas.md §10.2 (S1–S3), key made up by the spec's authors.
const KEY = "00000000-1111-2222-3333-444444444444";
const QUERY_BODY = '{"activity":"queryInstance","instanceId":"10e758d0-31ad-4c4b-8f1b-81d03469a10e","testFlag":"0"}';
const STATUS_BODY =
  '{"activity":"updateInstanceStatus","instanceId":"10e758d0-31ad-4c4b-8f1b-81d03469a10e","status":"FREEZE","testFlag":"1"}';
const S3_RAW =
  '{"activity":"newInstance","orderId":"CS2211181819B4LVS","orderLineId":"CS2211181819B4LVS-000001","businessId":"61e834ba-7b97-4418-b8f7-e5345137278c","testFlag":"1"}';
const S3_CANONICAL =
  '{"activity":"newInstance","businessId":"61e834ba-7b97-4418-b8f7-e5345137278c","orderId":"CS2211181819B4LVS","orderLineId":"CS2211181819B4LVS-000001","testFlag":"1"}';

/** An independent implementation of the formula, written from the spec text, not from signBasic. */
function oracle(key: string, nonce: string, ts: string, payload: string): string {
  const h = (k: string, m: string) => createHmac("sha256", Buffer.from(k, "utf8")).update(Buffer.from(m, "utf8")).digest("hex");
  return h(key, key + nonce + ts + h(key, payload));
}

function query(signature: string, timestamp: string, nonce: string) {
  return new URLSearchParams({ signature, timestamp, nonce });
}

/** Refused with a SignatureError of `reason`, which a production interface answers with `code`. */
function expectRefusal(fn: () => unknown, reason: SignatureProblem, code: string) {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(SignatureError);
    expect((e as SignatureError).reason).to.equal(reason);
    expect(marketplaceRefusal(e as SignatureError).resultCode).to.equal(code);
    return;
  }
  expect.fail(`expected a refusal (${reason})`);
}

describe("2.0 basic signature (docs/marketplace/saas.md §2.1)", () => {
  it("matches vector S1 (queryInstance body)", () => {
    const nonce = "9FB42E04DF4594B1FAA50B304E647AD7154AB9B4F144A65F1168886540A8B24C";
    expect(createHmac("sha256", KEY).update(QUERY_BODY).digest("hex")).to.equal(
      "c4efcd74ded324a6bfa12b3e4e49668d2cb0bba003e7cd1443a6224498b290e8",
    );
    expect(signBasic({ accessKey: KEY, nonce, timestamp: "1680508237508", payload: QUERY_BODY })).to.equal(
      "054a864e9553498f685a3100c69d4a2365be16b2402695ff08105346ad7ba9ef",
    );
  });

  it("matches vector S2 (updateInstanceStatus body), compared case-insensitively", () => {
    const nonce = "9F26B85CAEB3A8439221BA293E9250BC5EA689225B523C291EA75CC76B469510";
    const sig = signBasic({ accessKey: KEY, nonce, timestamp: "1680509558159", payload: STATUS_BODY });
    expect(sig.toUpperCase()).to.equal("39A521202B0D7BD4098C1ABE06391F620D341589479A1869D44A65401AC2381C");
    const v = verifyBasic({
      rawBody: Buffer.from(STATUS_BODY),
      query: query("39A521202B0D7BD4098C1ABE06391F620D341589479A1869D44A65401AC2381C", "1680509558159", nonce),
      keys: [KEY],
      nowMs: 1680509558159 + 1000,
    });
    expect(v.form).to.equal("raw");
  });

  it("canonicalises vector S3 and verifies the unsorted raw body through its canonical form", () => {
    expect(canonicalJson(S3_RAW)).to.equal(S3_CANONICAL);
    const nonce = "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF";
    expect(signBasic({ accessKey: KEY, nonce, timestamp: "1700000000000", payload: S3_CANONICAL })).to.equal(
      "56c48eb41171c2c390885b405dcc3c0d2dd653551aaabfe9e446466f6ba8834e",
    );
    const v = verifyBasic({
      rawBody: Buffer.from(S3_RAW),
      query: query("56c48eb41171c2c390885b405dcc3c0d2dd653551aaabfe9e446466f6ba8834e", "1700000000000", nonce),
      keys: [KEY],
      nowMs: 1700000000000,
    });
    expect(v.form).to.equal("canonical");
  });

  it("drops top-level nulls and keeps nested order in the canonical form", () => {
    expect(canonicalJson('{"b":{"z":1,"a":2},"a":null,"c":[3,{"y":1,"x":2}]}')).to.equal(
      '{"b":{"z":1,"a":2},"c":[3,{"y":1,"x":2}]}',
    );
    expect(canonicalJson('{"b":{"z":1,"a":2},"a":null}', "canonical-deep")).to.equal('{"b":{"a":2,"z":1}}');
  });

  it("accepts a body signed over recursively sorted nested keys (UNCONFIRMED nested order, docs/marketplace/vectors.md §4)", () => {
    const raw = '{"activity":"changeInstanceCheck","instanceId":"i1","productInfo":{"skuCode":"s","productId":"p"}}';
    const deep = '{"activity":"changeInstanceCheck","instanceId":"i1","productInfo":{"productId":"p","skuCode":"s"}}';
    const ts = String(Date.now());
    const sig = oracle(KEY, "n-deep", ts, deep);
    const v = verifyBasic({ rawBody: Buffer.from(raw), query: query(sig, ts, "n-deep"), keys: [KEY], nowMs: Date.now() });
    expect(v.form).to.equal("canonical-deep");
  });

  it("signs requests the way an independent implementation of the formula does", () => {
    for (let i = 0; i < 20; i++) {
      const body = JSON.stringify({ z: "é".repeat(i), activity: "queryInstance", instanceId: `id-${i}`, n: i });
      const signed = signBasicRequest({ accessKey: KEY, body });
      expect(signed.signature.toLowerCase()).to.equal(oracle(KEY, signed.nonce, signed.timestamp, canonicalJson(body)));
    }
  });

  describe("refuses", () => {
    const now = 1_700_000_000_000;
    const body = Buffer.from(S3_CANONICAL);
    const good = () => signBasic({ accessKey: KEY, nonce: "abc", timestamp: String(now), payload: body });

    it("one flipped byte of the body", () => {
      const tampered = Buffer.from(body);
      tampered[20] = tampered[20]! ^ 0x01;
      expectRefusal(() => verifyBasic({ rawBody: tampered, query: query(good(), String(now), "abc"), keys: [KEY], nowMs: now }), "bad-signature", "000001");
    });

    it("a signature made with another key", () => {
      expectRefusal(() => verifyBasic({ rawBody: body, query: query(good(), String(now), "abc"), keys: ["other-key"], nowMs: now }), "bad-signature", "000001");
    });

    it("a timestamp older than 60 s", () => {
      expectRefusal(() => verifyBasic({ rawBody: body, query: query(good(), String(now), "abc"), keys: [KEY], nowMs: now + 60_001 }), "stale", "000002");
    });

    it("a timestamp more than 60 s in the future", () => {
      expectRefusal(() => verifyBasic({ rawBody: body, query: query(good(), String(now), "abc"), keys: [KEY], nowMs: now - 60_001 }), "future", "000002");
    });

    it("a non-numeric timestamp", () => {
      expectRefusal(() => verifyBasic({ rawBody: body, query: query(good(), "17e11", "abc"), keys: [KEY], nowMs: now }), "malformed", "000002");
    });

    it("a request without signature, timestamp or nonce", () => {
      const q = (omit: string) => {
        const p = query(good(), String(now), "abc");
        p.delete(omit);
        return p;
      };
      expectRefusal(() => verifyBasic({ rawBody: body, query: q("signature"), keys: [KEY], nowMs: now }), "missing-signature", "000001");
      expectRefusal(() => verifyBasic({ rawBody: body, query: q("timestamp"), keys: [KEY], nowMs: now }), "missing-parameter", "000002");
      expectRefusal(() => verifyBasic({ rawBody: body, query: q("nonce"), keys: [KEY], nowMs: now }), "missing-parameter", "000002");
    });

    it("a signature, timestamp or nonce parameter given twice", () => {
      for (const name of ["signature", "timestamp", "nonce"]) {
        const p = query(good(), String(now), "abc");
        p.append(name, p.get(name)!);
        expectRefusal(() => verifyBasic({ rawBody: body, query: p, keys: [KEY], nowMs: now }), "malformed", "000002");
      }
    });

    it("a nonce holding anything but printable ASCII", () => {
      for (const nonce of ["a\u0000b", "caf\u00e9", "a b", "\ud800"]) {
        const sig = signBasic({ accessKey: KEY, nonce, timestamp: String(now), payload: body });
        expectRefusal(() => verifyBasic({ rawBody: body, query: query(sig, String(now), nonce), keys: [KEY], nowMs: now }), "malformed", "000002");
      }
    });
  });

  it("tolerates a 10-digit timestamp in seconds", () => {
    const ts = "1700000000";
    const sig = signBasic({ accessKey: KEY, nonce: "n", timestamp: ts, payload: S3_CANONICAL });
    const v = verifyBasic({ rawBody: Buffer.from(S3_CANONICAL), query: query(sig, ts, "n"), keys: [KEY], nowMs: 1_700_000_030_000 });
    expect(v.timestampMs).to.equal(1_700_000_000_000);
  });

  it("accepts any active key and says which one matched (rotation)", () => {
    const ts = String(Date.now());
    const sig = signBasic({ accessKey: "new-key", nonce: "n", timestamp: ts, payload: S3_CANONICAL });
    const v = verifyBasic({ rawBody: Buffer.from(S3_CANONICAL), query: query(sig, ts, "n"), keys: ["old-key", "new-key"], nowMs: Date.now() });
    expect(v.keyIndex).to.equal(1);
  });

  it("cannot be configured with a zero tolerance that would switch the window off", () => {
    expect(() => verifyBasic({ rawBody: Buffer.from("{}"), query: query("x", "1700000000000", "n"), keys: [KEY], nowMs: 0, toleranceMs: 0 })).to.throw(
      /positive/,
    );
  });
});
