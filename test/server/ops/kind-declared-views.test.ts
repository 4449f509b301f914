import "reflect-metadata";
import { expect } from "chai";
import { DemoSaasAdapter } from "../../../adapters/demo-saas.js";
import { registerKind } from "../../../core/kinds/index.js";
import type { Kind } from "../../../core/kinds/kind.js";
import { html, table } from "../../../core/ops/html.js";
import { FixtureGreeterAdapter, greeterKind, greeterYaml } from "../../fixtures/kinds/greeter/index.js";
import { productYaml, startServer, type TestServer } from "../../support/server.js";

const OPS_TOKEN = "ops-token-0123456789abcdef";
const HOSTILE = "<script>document.title='owned'</script>";

/** The fixture kind with operator-page views of its own: its greetings per listing, and a page of its listings. */
const greeterWithViews: Kind = {
  ...greeterKind,
  ops: {
    links: (p) => [{ text: "greetings", href: `/ops/greetings/${encodeURIComponent(p.id)}` }],
    views: (ctx) => [
      {
        path: "/ops/greetings/:product",
        async render({ params }) {
          const rows: Array<{ name: string; text: string }> = await ctx.db("fixture_greetings").where({ product_id: params.product }).select("name", "text");
          return { title: `Greetings of ${params.product}`, body: table(["Name", "Text"], rows.map((r) => [r.name, r.text]), "no greeting yet") };
        },
      },
      {
        path: "/ops/greeters",
        nav: "Greeters",
        render: async () => ({ title: "Greeters", body: html`<p>${ctx.products().filter((p) => p.kind === greeterKind.name).map((p) => p.id).join(", ")}</p>` }),
      },
    ],
  },
};

async function get(s: TestServer, path: string, signedIn = true) {
  const res = await fetch(`${s.url}${path}`, { headers: signedIn ? { authorization: `Bearer ${OPS_TOKEN}` } : {} });
  return { status: res.status, text: await res.text() };
}

describe("the operator page renders the views the registered kinds declare", function () {
  this.timeout(30_000);

  describe("with a kind registered only in a test, beside the registry's", () => {
    let s: TestServer;
    let unregister: () => void;
    before(async () => {
      // registered by the same one line a built-in kind is (core/kinds/index.ts), then taken out again
      unregister = registerKind(greeterWithViews);
      s = await startServer({
        adapters: [DemoSaasAdapter, FixtureGreeterAdapter],
        products: { "hello.yaml": greeterYaml("hello"), "test-saas.yaml": productYaml("test-saas") },
        env: { KOOGATE_OPS_TOKEN: OPS_TOKEN },
      });
    });
    after(async () => {
      await s?.close();
      unregister?.();
    });

    it("serves the kind's view behind the page's sign-in, every stored value escaped", async () => {
      await s.koogate.db("fixture_greetings").insert({ product_id: "hello", name: HOSTILE, text: "Hello, Ada!" });
      expect((await get(s, "/ops/greetings/hello", false)).status).to.equal(401);
      const page = await get(s, "/ops/greetings/hello");
      expect(page.status).to.equal(200);
      expect(page.text).to.contain("<h1>Greetings of hello</h1>").and.contain("Hello, Ada!").and.contain("&lt;script&gt;").and.not.contain(HOSTILE);
    });

    it("links the kind's views from its listing's row, and lists its standalone view in the navigation before the reconciliation", async () => {
      const overview = (await get(s, "/ops")).text;
      expect(overview).to.contain('<a href="/ops/greetings/hello">greetings</a>');
      expect(overview, "the SaaS kind's own link stays on its row").to.contain('<a href="/ops/tenants?product=test-saas">tenants</a>');
      expect(overview).to.match(/<a href="\/ops\/tenants">Tenants<\/a><a href="\/ops\/greeters">Greeters<\/a><a href="\/ops\/reconciliation">Reconciliation<\/a>/);
      expect((await get(s, "/ops/greeters")).text).to.contain("<p>hello</p>");
      expect((await get(s, "/ops/products/hello")).text).to.contain('<a href="/ops/greetings/hello">greetings</a>');
    });
  });

  describe("with only that kind registered", () => {
    let s: TestServer;
    before(async () => {
      s = await startServer({
        kinds: [greeterWithViews],
        adapters: [FixtureGreeterAdapter],
        products: { "hello.yaml": greeterYaml("hello") },
        env: { KOOGATE_OPS_TOKEN: OPS_TOKEN },
      });
    });
    after(() => s?.close());

    it("offers none of the other kinds' views: no tenants page, no licences page, no Tenants in the navigation", async () => {
      expect((await get(s, "/ops/tenants")).status).to.equal(404);
      expect((await get(s, "/ops/licences/hello")).status).to.equal(404);
      const overview = await get(s, "/ops");
      expect(overview.status).to.equal(200);
      expect(overview.text).to.contain('<a href="/ops/greeters">Greeters</a>');
      expect(overview.text).to.not.contain("Tenants");
    });
  });
});
