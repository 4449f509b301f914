import { request } from "node:http";
import { expect } from "chai";
import { startServer, type TestServer } from "../support/server.js";
import { apiYaml, startUpstream, type Upstream } from "../support/gateway.js";

/**
 * The published SDK-HMAC-SHA256 vector and the self-computed A1–A3 (docs/marketplace/api-image-openapi.md
 * §10) sent byte for byte as incoming requests: the listing's id is `mkp-openapi-public`, so the vectors'
 * paths `/api/mkp-openapi-public/…` are its backend URLs, the Host header is the vectors' host, and the
 * server's clock stands at the vector's X-Sdk-Date.
 */
interface Vector {
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  signedHeaders: string;
  signature: string;
}

const VECTORS: Vector[] = [
  {
    name: "the published vector",
    method: "POST",
    path: "/api/mkp-openapi-public/global/v1/license/activate",
    headers: { "x-stage": "RELEASE", "X-Sdk-Date": "20240317T144237Z", "Content-Type": "application/json" },
    body: "",
    signedHeaders: "content-type;host;x-sdk-date;x-stage",
    signature: "77595ad624b6e4e49990b8c4e84bf1c287457fca61069c4e60b9b6765b52053d",
  },
  {
    name: "A1",
    method: "POST",
    path: "/api/mkp-openapi-public/global/v1/license/activate",
    headers: { "X-Sdk-Date": "20240317T144237Z", "Content-Type": "application/json" },
    body: '{"license":"PLXXXXXX"}',
    signedHeaders: "content-type;host;x-sdk-date",
    signature: "721d4451908cd70cf6bf4e592a4322f7ef3a8b484e61e08e19beefec1e83cff1",
  },
  {
    name: "A2",
    method: "GET",
    path: "/api/mkp-openapi-public/global/v1/order/query?orderLineId=MOCKPERIODYEARNEW-000001&orderId=MOCKPERIODYEARNEW",
    headers: { "X-Sdk-Date": "20240317T144237Z", "Content-Type": "application/json" },
    body: "",
    signedHeaders: "content-type;host;x-sdk-date",
    signature: "df37ba3315950b108c9be5a4933a5fc864d004b012050c179dc3d22a78c99301",
  },
  {
    name: "A3",
    method: "POST",
    path: "/api/mkp-openapi-public/global/v2/license/heartbeat",
    headers: { "X-Sdk-Date": "20250101T000000Z", "Content-Type": "application/json" },
    body: '{"license_list":["PL****001","PL****002"]}',
    signedHeaders: "content-type;host;x-sdk-date",
    signature: "334e30228a4eaa661837dc158dcae46c516fda4eef52eca01905a7c78f4c01c2",
  },
];

function send(base: string, v: Vector, signature = v.signature): Promise<number> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        method: v.method,
        path: v.path,
        headers: {
          ...v.headers,
          Host: "mkt.myhuaweicloud.com",
          ...(v.body ? { "Content-Length": String(Buffer.byteLength(v.body)) } : {}),
          Authorization: `SDK-HMAC-SHA256 Access=test, SignedHeaders=${v.signedHeaders}, Signature=${signature}`,
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(v.body);
  });
}

function sdkDateMs(v: Vector): number {
  const d = v.headers["X-Sdk-Date"]!;
  return Date.parse(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`);
}

describe("SDK-HMAC-SHA256 vectors (docs/marketplace/api-image-openapi.md §10) received as APIG's backend calls", () => {
  let upstream: Upstream;
  let now = 0;
  let s: TestServer;
  before(async () => {
    upstream = await startUpstream();
    s = await startServer({
      clock: { now: () => now },
      env: { VECTOR_AK: "test", VECTOR_SK: "123" },
      products: { "v.yaml": apiYaml("mkp-openapi-public", ["auth: apig-signature", "gatewayKeys:", "  - { key: VECTOR_AK, secret: VECTOR_SK }", `upstream: ${upstream.url}`]) },
    });
  });
  after(async () => {
    await s?.close();
    await upstream?.close();
  });

  for (const v of VECTORS) {
    it(`accepts ${v.name} and forwards it with its exact body`, async () => {
      now = sdkDateMs(v) + 60_000;
      upstream.seen.length = 0;
      expect(await send(s.url, v)).to.equal(200);
      expect(upstream.seen.map((r) => [r.method, r.body])).to.deep.equal([[v.method, v.body]]);
    });

    it(`refuses ${v.name} with one hex digit of its signature changed`, async () => {
      now = sdkDateMs(v) + 60_000;
      upstream.seen.length = 0;
      const wrong = (v.signature[0] === "0" ? "1" : "0") + v.signature.slice(1);
      expect(await send(s.url, v, wrong)).to.equal(401);
      expect(upstream.seen).to.have.length(0);
    });
  }

  it("refuses the published vector 16 minutes after its X-Sdk-Date", async () => {
    now = sdkDateMs(VECTORS[0]!) + 16 * 60_000;
    expect(await send(s.url, VECTORS[0]!)).to.equal(401);
  });
});
