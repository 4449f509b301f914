import { expect } from "chai";
import { RefusalSampler } from "../../core/serving/refusal-sampler.js";
import { startServer, type TestServer } from "../support/server.js";
import { eventually } from "../support/wait.js";
import { APIG_KEYS, apiYaml, apigCall, GATEWAY_ENV, sendRaw, startUpstream, type Upstream } from "../support/gateway.js";

/** Sends `n` requests, `width` at a time. */
async function flood(n: number, width: number, send: (i: number) => Promise<number>): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) statuses.push(await send(next++));
    }),
  );
  return statuses;
}

// Anyone who knows an API listing's id can send it refusals: each costs a counter, not a row and a log
// line (core/serving/refusal-sampler.ts, as on the production path).
describe("refusals on an API listing, sampled", () => {
  let upstream: Upstream;
  let s: TestServer;
  const lines: string[] = [];
  before(async () => {
    upstream = await startUpstream();
    s = await startServer({
      env: { ...GATEWAY_ENV, KOOGATE_REFUSAL_SAMPLE: "20" },
      logLines: lines,
      products: { "p.yaml": apiYaml("p", ["auth: apig-signature", ...APIG_KEYS, `upstream: ${upstream.url}`]) },
    });
  });
  after(async () => {
    await s?.close();
    await upstream?.close();
  });

  it("stores 20 rows and 20 log lines for 600 refused calls, then one summary row per reason with the rest's count", async () => {
    const statuses = await flood(600, 16, async (i) => {
      if (i % 3 === 0) return (await sendRaw(s.url, { method: "GET", target: `/api/p/../x${i}`, headers: {} })).status;
      if (i % 3 === 1) return (await fetch(`${s.url}/api/p/x${i}`)).status;
      return (await apigCall(`${s.url}/api/p/x${i}`, { sk: "wrong" })).status;
    });
    expect(statuses.filter((st) => st === 400)).to.have.length(200);
    expect(statuses.filter((st) => st === 401)).to.have.length(400);
    // a signed call still gets its row
    expect((await apigCall(`${s.url}/api/p/ok`, { headers: { "x-request-id": "after-flood" } })).status).to.equal(200);
    await eventually(() => s.koogate.db("koogate_api_calls").where({ request_id: "after-flood" }).first(), "the signed call's row");
    expect(lines.filter((l) => l.includes('"API call refused"'))).to.have.length(20);
    expect(await s.koogate.db("koogate_api_calls").where({ outcome: "refused" }).count({ n: "*" }).first()).to.satisfy((r: { n: unknown }) => Number(r.n) === 20);

    await s.koogate.container.resolve(RefusalSampler).flush(Date.now(), true);
    const summaries = await eventually(async () => {
      const rows: Array<{ note: string; status: number }> = await s.koogate.db("koogate_api_calls").where("note", "like", "%more in the minute%");
      return rows.length === 3 ? rows : null;
    }, "three summary rows");
    const counted = summaries.map((r) => {
      const [, reason, count] = /^([\w-]+): and (\d+) more/.exec(r.note)!;
      return [reason, Number(count), r.status] as const;
    });
    expect(counted.map(([reason]) => reason).sort()).to.deep.equal(["bad-signature", "dot-segment", "missing-signature"]);
    expect(counted.reduce((sum, [, count]) => sum + count, 0)).to.equal(580);
    expect(counted.find(([reason]) => reason === "dot-segment")![2]).to.equal(400);
    expect(upstream.seen.map((r) => r.url)).to.deep.equal(["/ok"]);
  });
});
