import "reflect-metadata";
import { expect } from "chai";
import { DemoSaasAdapter } from "../../adapters/demo-saas.js";
import { KINDS, registerKind } from "../../core/kinds/index.js";
import type { Kind } from "../../core/kinds/kind.js";
import { signBasicRequest } from "../../core/signing/basic.js";
import { runScenario } from "../../sim/runner.js";
import { misfit, type Scenario } from "../../core/simulation/scenario.js";
import { SCENARIOS, scenariosOf } from "../../sim/scenarios/index.js";
import { FixtureGreeterAdapter, greeterKind, greeterYaml } from "../fixtures/kinds/greeter/index.js";
import { productYaml, startServer, type TestServer } from "../support/server.js";
import { targetOf } from "../support/sim.js";

/** A scenario the fixture kind brings: one signed greeting, and the text it must answer. */
const greet: Scenario = {
  name: "greet",
  summary: "one signed greeting, answered with its text",
  kind: greeterKind.name,
  async run(ctx) {
    const t = ctx.target;
    const key = t.product.keys.general[0]!;
    const text = JSON.stringify({ name: "Ada" });
    const { query } = signBasicRequest({ accessKey: key, body: text });
    const request = { method: "POST", url: `${t.baseUrl}/greet/${t.product.id}?${query}`, headers: { "content-type": "application/json" }, body: Buffer.from(text), replyKeys: [key] };
    const r = await ctx.exchange("greet", request, "000000");
    ctx.check("greeted", r.judgement.json?.text === "Hello, Ada!" ? null : `answered ${JSON.stringify(r.judgement.json?.text)}`);
  },
};
const greeterWithScenario: Kind = { ...greeterKind, scenarios: [greet] };

describe("simulator scenarios declared by the kinds", function () {
  this.timeout(30_000);

  it("lists every scenario koogate sim knows from a registered kind, under that kind's name", () => {
    expect(SCENARIOS).to.deep.equal(scenariosOf(KINDS));
    const names = KINDS.map((k) => k.name);
    for (const s of SCENARIOS) expect(names, s.name).to.include(s.kind);
    expect(new Set(SCENARIOS.map((s) => s.name)).size, "no two scenarios share a name").to.equal(SCENARIOS.length);
  });

  describe("a kind registered only in a test", () => {
    let s: TestServer;
    let unregister: () => void;
    before(async () => {
      // registered by the same one line a built-in kind is (core/kinds/index.ts), then taken out again
      unregister = registerKind(greeterWithScenario);
      s = await startServer({
        adapters: [DemoSaasAdapter, FixtureGreeterAdapter],
        products: { "hello.yaml": greeterYaml("hello"), "test-saas.yaml": productYaml("test-saas") },
      });
    });
    after(async () => {
      await s?.close();
      unregister?.();
    });

    it("brings its scenario into the list after the registry's, playable against its products only", () => {
      const all = scenariosOf(KINDS);
      expect(all.at(-1)).to.equal(greet);
      expect(misfit(greet, targetOf(s, "test-saas").product)).to.equal("greet is for greeter products; test-saas is a saas product");
      expect(misfit(greet, targetOf(s, "hello").product)).to.equal(null);
    });

    it("is played by the generic runner against the server: signed, judged and passed", async () => {
      const report = await runScenario({ scenario: greet, target: targetOf(s, "hello") });
      expect(report.steps.map((x) => [x.activity, x.verdict, x.resultCode])).to.deep.equal([
        ["greet", "PASS", "000000"],
        ["greeted", "PASS", undefined],
      ]);
      expect(report.passed).to.equal(true);
      expect(await s.koogate.db("fixture_greetings").where({ product_id: "hello", name: "Ada" })).to.have.length(1);
    });
  });
});
