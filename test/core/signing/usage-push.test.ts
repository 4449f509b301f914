import { createHmac } from "node:crypto";
import { expect } from "chai";
import { SignatureError } from "../../../core/signing/signature-error.js";
import { signUsagePush, signUsagePushRequest, usagePushBody, verifyUsagePush } from "../../../core/signing/usage-push.js";

// docs/marketplace/api-image-openapi.md §10.2: key, ts, nonce and the sorted body of the self-computed vector.
const KEY = "test-access-key-0000";
const TS = "1709690865879";
const NONCE = "6c63c221-1f6b-4141-8ff4-22f5dfe82b65";
const SORTED =
  '{"usage_records":[{"begin_time":"20220809T080000Z","end_time":"20220809T090000Z","instance_id":"7f141bf1-aec8-4859-8323-fb3a8ad50721","metering_sn":"a1b2c3d4e5f6","record_time":"20220809T091000Z","usage_value":99}]}';

describe("usage-push signature (docs/marketplace/api-image-openapi.md §4)", () => {
  it("sorts the keys of every object and reproduces the §10.2 vector", () => {
    const body = usagePushBody({
      usage_records: [
        {
          usage_value: 99,
          metering_sn: "a1b2c3d4e5f6",
          instance_id: "7f141bf1-aec8-4859-8323-fb3a8ad50721",
          record_time: "20220809T091000Z",
          end_time: "20220809T090000Z",
          begin_time: "20220809T080000Z",
        },
      ],
    });
    expect(body).to.equal(SORTED);
    expect(signUsagePush({ key: KEY, ts: TS, nonce: NONCE, body })).to.equal("BbcB3P0cVnVghCrVKC3z61YcBoxWuWofLf/cfOMSiX8=");
  });

  it("signs like the formula written out", () => {
    const h = signUsagePushRequest({ key: "k2", body: '{"a":"é"}' });
    const expected = createHmac("sha256", "k2").update(`ts=${h.ts}&nonce=${h.nonce}&body={"a":"é"}`, "utf8").digest("base64");
    expect(h.signature).to.equal(expected);
    expect(h.nonce).to.match(/^[0-9a-f-]{36}$/);
  });

  const headers = { ts: TS, nonce: NONCE, signature: "BbcB3P0cVnVghCrVKC3z61YcBoxWuWofLf/cfOMSiX8=" };
  const nowMs = Number(TS) + 1000;

  it("verifies the exact bytes with the second of two keys", () => {
    const v = verifyUsagePush({ headers, body: Buffer.from(SORTED), keys: ["other", KEY], nowMs });
    expect(v.keyIndex).to.equal(1);
  });

  it("refuses the same record serialised in another key order", () => {
    const unsorted = Buffer.from(SORTED.replace('"begin_time":"20220809T080000Z","end_time":"20220809T090000Z",', '"end_time":"20220809T090000Z","begin_time":"20220809T080000Z",'));
    expect(() => verifyUsagePush({ headers, body: unsorted, keys: [KEY], nowMs }))
      .to.throw(SignatureError)
      .with.property("reason", "bad-signature");
  });

  it("refuses a ts older than the window", () => {
    expect(() => verifyUsagePush({ headers, body: Buffer.from(SORTED), keys: [KEY], nowMs: Number(TS) + 16 * 60_000 }))
      .to.throw(SignatureError)
      .with.property("reason", "stale");
  });

  it("refuses a push without a signature header", () => {
    expect(() => verifyUsagePush({ headers: { ts: TS, nonce: NONCE }, body: Buffer.from(SORTED), keys: [KEY], nowMs }))
      .to.throw(SignatureError)
      .with.property("reason", "missing-signature");
  });
});
