import { expect } from "chai";
import { startServer, type TestServer } from "../support/server.js";
import { APIG_KEYS, apiYaml, apigCall, GATEWAY_ENV, sendRaw, signedRaw, startUpstream, type Upstream } from "../support/gateway.js";

// What reaches the upstream is exactly what the gateway signed, and never outside the upstream's base
// (docs/marketplace/api-image-openapi.md §6.3; core/kinds/api/target.ts).
describe("the request target an API call is forwarded with", () => {
  let upstream: Upstream;
  let s: TestServer;
  const forwarded = () => upstream.seen.map((r) => r.url);
  before(async () => {
    upstream = await startUpstream();
    s = await startServer({ env: GATEWAY_ENV, products: { "p.yaml": apiYaml("p", ["auth: apig-signature", ...APIG_KEYS, `upstream: ${upstream.url}/base`]) } });
  });
  after(async () => {
    await s?.close();
    await upstream?.close();
  });
  beforeEach(() => {
    upstream.seen.length = 0;
  });

  const refused: Array<[string, string, string]> = [
    ["a raw `..`", "/api/p/../../admin", "path has a dot segment"],
    ["a percent-encoded `..`", "/api/p/%2e%2e/%2E%2E/admin", "path has a dot segment"],
    ["a half-encoded `..`", "/api/p/v1/.%2e/admin", "path has a dot segment"],
    ["a `.` segment", "/api/p/./admin", "path has a dot segment"],
    ["an encoded slash", "/api/p/..%2F..%2Fadmin", "path has an encoded slash, a backslash or a control character"],
    ["a backslash", "/api/p/..%5C..%5Cadmin", "path has an encoded slash, a backslash or a control character"],
    ["an encoded NUL", "/api/p/admin%00.json", "path has an encoded slash, a backslash or a control character"],
    ["%FF in the path", "/api/p/%FF", "path or query is not percent-encoded UTF-8"],
    ["an overlong %C0%AE in the path", "/api/p/%C0%AE%C0%AE/admin", "path or query is not percent-encoded UTF-8"],
    ["%FF in the query", "/api/p/echo?q=%FF", "path or query is not percent-encoded UTF-8"],
    ["an overlong %C0%80 in the query", "/api/p/echo?q=%C0%80", "path or query is not percent-encoded UTF-8"],
    ["a trailing slash, which the canonical URI does not bind", "/api/p/echo/", "path ends in a slash"],
  ];
  for (const [what, target, error] of refused) {
    it(`refuses ${what} with 400 even when validly signed, forwarding nothing`, async () => {
      // a path that is not UTF-8 cannot be signed at all: sent with no signature, refused the same
      const req = /%FF|%C0/.test(target.split("?")[0]!) ? { method: "GET", target, headers: {} } : signedRaw(s.url, target);
      const res = await sendRaw(s.url, req);
      expect(res.status, res.body).to.equal(400);
      expect(JSON.parse(res.body)).to.deep.equal({ error });
      expect(forwarded()).to.deep.equal([]);
    });
  }

  it("refuses a dot segment before authentication: unsigned, it is a 400 too", async () => {
    const res = await sendRaw(s.url, { method: "GET", target: "/api/p/%2e%2e/admin", headers: {} });
    expect(res.status).to.equal(400);
  });

  // each pair shares one signature (its canonical request is the same): the upstream sees one form
  const variants: Array<[string, string, string]> = [
    ["a percent-encoded unreserved character", "/api/p/%65cho", "/base/echo"],
    ["lower-case percent-encoding", "/api/p/caf%c3%a9", "/base/caf%C3%A9"],
    ["a path character left as sent", "/api/p/models/m:generate", "/base/models/m:generate"],
    ["an encoded path character sent plainly", "/api/p/models/m%3Agenerate", "/base/models/m:generate"],
    ["reordered duplicate parameters", "/api/p/echo?a=2&a=1&b=0", "/base/echo?a=1&a=2&b=0"],
    ["`+` for a space", "/api/p/echo?q=a+b", "/base/echo?q=a%20b"],
    ["`%20` for a space", "/api/p/echo?q=a%20b", "/base/echo?q=a%20b"],
    ["an unreserved character encoded in the query", "/api/p/echo?q=%7Ex", "/base/echo?q=~x"],
    ["the listing's root, with and without a slash", "/api/p/", "/base/"],
  ];
  for (const [what, target, seen] of variants) {
    it(`forwards the one normal form of ${what}: ${target} → ${seen}`, async () => {
      const res = await sendRaw(s.url, signedRaw(s.url, target));
      expect(res.status, res.body).to.equal(200);
      expect(forwarded()).to.deep.equal([seen]);
    });
  }

  it("never passes the caller's Forwarded, X-Forwarded-* or X-Real-IP headers: X-Forwarded-For is the connection's address", async () => {
    const spoofed = {
      forwarded: "for=10.0.0.1;host=admin.internal;proto=https",
      "x-forwarded-for": "10.0.0.1",
      "x-forwarded-host": "admin.internal",
      "x-forwarded-proto": "https",
      "x-forwarded-port": "443",
      "x-forwarded-prefix": "/admin",
      "x-real-ip": "10.0.0.1",
    };
    // signed, as a gateway that signs every header would: still not passed on
    const res = await apigCall(`${s.url}/api/p/echo`, { headers: spoofed });
    expect(res.status).to.equal(200);
    const headers = upstream.seen[0]!.headers;
    expect(headers["x-forwarded-for"]).to.equal("127.0.0.1");
    for (const name of Object.keys(spoofed).filter((n) => n !== "x-forwarded-for")) expect(headers, name).not.to.have.property(name);
  });
});
