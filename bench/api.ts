/**
 * The API case of `npm run bench`: an APIG-signed call (SDK-HMAC-SHA256, docs/marketplace/
 * docs/marketplace/api-image-openapi.md §6.3) through koogate — verify, log, proxy to the upstream — against the same
 * upstream called directly, in the same run. Target (issue 14): ≥ 60 % of the direct req/s and less
 * than 3 ms added at p50.
 */
import autocannon from "autocannon";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { signApigRequest } from "../core/signing/apig.js";

export const BENCH_APIG = { key: "bench-apig-key", secret: "bench-apig-secret-0123456789" };

export interface ApiCaseResult {
  label: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** Writes the API listing the koogate child serves, forwarding to `upstreamPort`. */
export function writeApiProduct(productsDir: string, upstreamPort: number): void {
  writeFileSync(
    join(productsDir, "bench-api.yaml"),
    ["id: bench-api", "name: Benchmark API", "kind: api", "auth: apig-signature", "gatewayKeys:", "  - { key: BENCH_APIG_KEY, secret: BENCH_APIG_SECRET }", `upstream: http://127.0.0.1:${upstreamPort}`, ""].join("\n"),
  );
}

/** Runs autocannon with APIG-signed POSTs to `path` on `port` (the signature is what a direct call ignores). */
export async function loadApi(label: string, port: number, path: string, opts: { seconds: number; connections: number }): Promise<ApiCaseResult> {
  const body = JSON.stringify({ text: "the cat saw the dog" });
  // APIG signatures carry no nonce: the same signed request is valid for 15 minutes; a few distinct ones are cycled
  const pool = Array.from({ length: 64 }, (_, i) => {
    const headers = { "content-type": "application/json", "x-customer-id": `buyer-${i}`, "x-request-id": `bench-${i}` };
    const signed = signApigRequest({ method: "POST", url: `http://127.0.0.1:${port}${path}`, headers, body, ak: BENCH_APIG.key, sk: BENCH_APIG.secret });
    return { ...headers, "x-sdk-date": signed["X-Sdk-Date"], authorization: signed.Authorization };
  });
  let next = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: opts.connections,
    duration: opts.seconds,
    requests: [{ method: "POST", path, body, setupRequest: (req) => ({ ...req, headers: pool[next++ % pool.length] }) }],
  });
  return { label, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors + result.timeouts };
}

export function printApi(direct: ApiCaseResult, through: ApiCaseResult): void {
  console.log("\nAPI case (issue 14): APIG-signed POST, 64-byte JSON answer");
  for (const x of [direct, through]) {
    console.log(`  ${x.label.padEnd(40)} ${x.rps.toFixed(0).padStart(7)} req/s  p50 ${x.p50} ms  p99 ${x.p99} ms${x.non2xx ? `  non2xx:${x.non2xx}` : ""}${x.errors ? `  errors:${x.errors}` : ""}`);
  }
  const ratio = (100 * through.rps) / direct.rps;
  const added = through.p50 - direct.p50;
  console.log(`  ${ratio >= 60 ? "met    " : "NOT met"}  through koogate ≥ 60 % of direct req/s: ${ratio.toFixed(0)} %`);
  console.log(`  ${added < 3 ? "met    " : "NOT met"}  added p50 < 3 ms: ${added.toFixed(2)} ms`);
}
