import { expect } from "chai";
import { main } from "../../bin/cli.js";
import { registerKind } from "../../core/kinds/index.js";
import { signBasicRequest } from "../../core/signing/basic.js";
import { echoKind, echoYaml } from "../fixtures/kinds/echo/index.js";
import { runScenario } from "../../sim/runner.js";
import { findScenario } from "../../sim/scenarios/index.js";
import { readReply, type Reply } from "../support/client.js";
import { targetOf } from "../support/sim.js";
import { parsePrometheus, sampleValue } from "../support/prometheus.js";
import { startServer, writeProducts, type TestServer } from "../support/server.js";

const ECHO_KEY = "test-echo-key-0123456789";
const METRICS_TOKEN = "metrics-token-0123456789abcdef";

async function echo(s: TestServer, product: string, words: string): Promise<Reply> {
  const text = JSON.stringify({ words });
  const { query } = signBasicRequest({ accessKey: ECHO_KEY, body: text });
  return readReply(await fetch(`${s.url}/echo/${product}?${query}`, { method: "POST", body: text }), [ECHO_KEY]);
}

async function koogate(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("a fifth kind is its folder plus one registration line (test/fixtures/kinds/echo)", () => {
  let unregister: () => void;
  let s: TestServer;
  before(async () => {
    unregister = registerKind(echoKind); // the one line
    s = await startServer({ products: { "shout.yaml": echoYaml("shout") }, env: { TEST_ECHO_KEY: ECHO_KEY, KOOGATE_METRICS_TOKEN: METRICS_TOKEN } });
  });
  after(async () => {
    await s?.close();
    unregister?.();
  });

  it("is served by the real server: a call signed with its own key type is answered and signed with it", async () => {
    const r = await echo(s, "shout", "hello");
    expect(r.status).to.equal(200);
    expect(r.bodySignProblem).to.equal(null);
    expect(r.json).to.deep.equal({ resultCode: "000000", resultMsg: "success.", echo: "hello … hello" });
    expect(await s.koogate.db("koogate_events").where({ product_id: "shout" }).first()).to.include({ activity: "echoWords", verdict: "processed", result_code: "000000" });
  });

  it("answers its own result code with the message it declares", async () => {
    const r = await echo(s, "shout", "HELLO");
    expect(r.json).to.deep.equal({ resultCode: "000950", resultMsg: "the words are too loud to echo" });
    expect(r.bodySignProblem).to.equal(null);
  });

  it("is simulated: koogate sim --help lists its scenario, and the runner plays it against the server and passes", async () => {
    const help = await koogate(["sim", "--help"]);
    expect(help.out).to.match(/^ {2}echo-words +one call echoed, one shouted call answered 000950$/m);
    const scenario = findScenario("echo-words")!;
    const report = await runScenario({ scenario, target: targetOf(s, "shout") });
    expect(report.steps.map((x) => [x.activity, x.verdict, x.resultCode])).to.deep.equal([
      ["echoWords", "PASS", "000000"],
      ["echoed", "PASS", undefined],
      ["echoWords (shouted)", "PASS", "000950"],
    ]);
    expect(report.passed).to.equal(true);
    expect(await s.koogate.db("koogate_events").where({ product_id: "shout", result_code: "000950" })).to.have.length.at.least(1);
  });

  it("is counted in /metrics under its activity and its result code, not as other", async () => {
    await echo(s, "shout", "again");
    await echo(s, "shout", "LOUD");
    const res = await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    const samples = parsePrometheus(await res.text());
    expect(sampleValue(samples, "koogate_calls_total", { product: "shout", activity: "echoWords", verdict: "processed", result_code: "000000" })).to.be.at.least(1);
    expect(sampleValue(samples, "koogate_calls_total", { product: "shout", activity: "echoWords", result_code: "000950" })).to.be.at.least(1);
    expect(sampleValue(samples, "koogate_calls_total", { product: "shout", activity: "other" })).to.equal(undefined);
  });

  it("passes koogate check, which prints its URL and its key type", async () => {
    const products = writeProducts({ "shout.yaml": echoYaml("shout") });
    const r = await koogate(["check"], { KOOGATE_PRODUCTS: products, TEST_ECHO_KEY: ECHO_KEY });
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.contain("echo URL        POST http://localhost:8080/echo/shout");
    expect(r.out).to.contain("echo: TEST_ECHO_KEY set");
    const json = JSON.parse((await koogate(["check", "--json"], { KOOGATE_PRODUCTS: products, TEST_ECHO_KEY: ECHO_KEY })).out) as { products: Array<{ kind: string; keys: object }> };
    expect(json.products).to.deep.equal([{ ...json.products[0], kind: "echo", keys: { echo: [{ variable: "TEST_ECHO_KEY", set: true }] } }]);
  });

  it("is refused by koogate check without its key type, naming it", async () => {
    const products = writeProducts({ "shout.yaml": echoYaml("shout").replace("  echo: [TEST_ECHO_KEY]\n", "  basic: [TEST_ECHO_KEY]\n") });
    const r = await koogate(["check"], { KOOGATE_PRODUCTS: products });
    expect(r.code).to.equal(1);
    expect(r.err).to.contain("shout.yaml /keys/echo: missing keys.echo");
  });

  it("has its command listed by koogate --help, and the command runs", async () => {
    const help = await koogate(["--help"]);
    expect(help.out).to.match(/^ {2}echo +print words back as an echo listing answers them \(a test-only kind\)$/m);
    expect(await koogate(["echo", "hi", "there"])).to.include({ code: 0, out: "hi there … hi there" });
    expect(await koogate(["echo", "HI"])).to.include({ code: 1, err: "refused: 000950" });
  });

  it("is gone again once unregistered: its command, its key type and its definitions", async () => {
    unregister();
    try {
      expect((await koogate(["--help"])).out).not.to.match(/^ {2}echo /m);
      const products = writeProducts({ "shout.yaml": echoYaml("shout") });
      const r = await koogate(["check"], { KOOGATE_PRODUCTS: products, TEST_ECHO_KEY: ECHO_KEY });
      expect(r.code).to.equal(1);
      expect(r.err).to.match(/shout\.yaml \/kind: must be one of/);
    } finally {
      unregister = registerKind(echoKind);
    }
  });
});
