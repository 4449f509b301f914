/**
 * The merchant-project loader (core/project/): each refusal names the merchant's own file and what to
 * do there, never a path inside node_modules.
 */
import { expect } from "chai";
import { SetupError } from "../../../core/errors.js";
import { loadProject } from "../../../core/project/index.js";
import { startProject } from "../../../testing/server.js";
import { configJson, NOTES_YAML, PLAIN_ADAPTER_JS, writeProject } from "../../support/project.js";

/** The SetupError `p` rejects with (fails the test when it resolves or throws anything else). */
async function refusal(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => expect.fail("expected a SetupError"),
    (err: unknown) => err,
  );
  expect(e).to.be.instanceOf(SetupError);
  const message = (e as Error).message;
  expect(message).not.to.include("node_modules");
  return message;
}

const env = { NOTES_KEY: "notes-key-0123456789" };

describe("a merchant project's config (core/project)", () => {
  it("refuses an adapter module that does not exist, naming the config entry and the build", async () => {
    const cwd = writeProject({ "koogate.config.json": configJson(), "products/notes.yaml": NOTES_YAML });
    const m = await refusal(loadProject({ cwd, env }));
    expect(m).to.include("koogate.config.json /adapters/0").and.include("dist/adapters/notes.js does not exist").and.include("npm run build");
  });

  it("refuses a TypeScript adapter module, asking for the build's JavaScript", async () => {
    const cwd = writeProject({ "koogate.config.json": configJson(["adapters/notes.ts"]), "adapters/notes.ts": "export class X {}" });
    const m = await refusal(loadProject({ cwd, env }));
    expect(m).to.include("koogate.config.json /adapters/0").and.include("is TypeScript").and.include("dist/adapters/notes.js");
  });

  it("refuses a product naming a class the modules do not export, naming the product file and the config", async () => {
    const cwd = writeProject({
      "koogate.config.json": configJson(),
      "dist/adapters/notes.js": PLAIN_ADAPTER_JS.replace("class NotesAppAdapter", "class NotesAdapter"),
      "products/notes.yaml": NOTES_YAML,
    });
    const m = await refusal(startProject({ cwd, env }));
    expect(m).to.include("notes.yaml /adapter").and.include('unknown adapter "NotesAppAdapter"');
    expect(m).to.include("koogate.config.json /adapters").and.include("dist/adapters/notes.js exports NotesAdapter");
  });

  it("refuses an adapter class missing a method of its kind, naming the method and the module", async () => {
    const cwd = writeProject({
      "koogate.config.json": configJson(),
      "dist/adapters/notes.js": PLAIN_ADAPTER_JS.replace("async releaseInstance(req)", "async releaseLater(req)"),
    });
    const m = await refusal(loadProject({ cwd, env }));
    expect(m).to.include("dist/adapters/notes.js").and.include("adapter NotesAppAdapter has no method releaseInstance");
  });

  it("refuses a constructor that takes parameters it does not declare, pointing at static inject", async () => {
    const cwd = writeProject({
      "koogate.config.json": configJson(),
      "dist/adapters/notes.js": PLAIN_ADAPTER_JS.replace("static inject = [DATABASE];", ""),
    });
    const m = await refusal(loadProject({ cwd, env }));
    expect(m).to.include("dist/adapters/notes.js").and.include("takes 1 parameter").and.include("static inject = [DATABASE, LOGGER]");
  });

  it("refuses a config file that is not valid JSON, naming it", async () => {
    const cwd = writeProject({ "koogate.config.json": '{ "products": "products", }' });
    const m = await refusal(loadProject({ cwd, env }));
    expect(m).to.match(/^\S*koogate\.config\.json: is not valid JSON/);
  });

  it("refuses an unknown field in the config, naming the field", async () => {
    const cwd = writeProject({ "koogate.config.json": JSON.stringify({ product: "products" }) });
    const m = await refusal(loadProject({ cwd, env }));
    expect(m).to.include("koogate.config.json /product").and.include('unknown field "product"');
  });

  it("refuses adapters given as a string instead of a list", async () => {
    const cwd = writeProject({ "koogate.config.json": JSON.stringify({ adapters: "dist/adapters/notes.js" }) });
    const m = await refusal(loadProject({ cwd, env }));
    expect(m).to.include("koogate.config.json /adapters").and.include("a list of module paths");
  });

  it("refuses a koogate.config.js without a default export", async () => {
    const cwd = writeProject({ "koogate.config.js": "export const products = 'products';" });
    const m = await refusal(loadProject({ cwd, env }));
    expect(m).to.include("koogate.config.js").and.include("no default export");
  });

  it("reads the koogate section of package.json, relative paths from the project folder", async () => {
    const cwd = writeProject({
      "package.json": JSON.stringify({ name: "m", type: "module", koogate: { products: "listings", adapters: ["dist/adapters/notes.js"], database: "sqlite:var/db.sqlite" } }),
      "dist/adapters/notes.js": PLAIN_ADAPTER_JS,
    });
    const p = await loadProject({ cwd, env });
    expect(p.config.productsDir).to.equal(`${cwd}/listings`);
    expect(p.config.databaseUrl).to.equal(`sqlite:${cwd}/var/db.sqlite`);
    expect(p.adapters.map((a) => a.name)).to.deep.equal(["NotesAppAdapter"]);
  });

  it("lets KOOGATE_PRODUCTS and KOOGATE_DATABASE_URL override the config", async () => {
    const cwd = writeProject({ "koogate.config.json": configJson([]) });
    const p = await loadProject({ cwd, env: { KOOGATE_PRODUCTS: "/srv/products", KOOGATE_DATABASE_URL: "postgres://u@db/k" } });
    expect([p.config.productsDir, p.config.databaseUrl]).to.deep.equal(["/srv/products", "postgres://u@db/k"]);
  });
});

describe("a plain-JavaScript adapter (static inject, no decorators)", () => {
  it("is registered by koogate, gets the database it declares, and serves a whole lifecycle", async () => {
    const cwd = writeProject({ "koogate.config.json": configJson(), "dist/adapters/notes.js": PLAIN_ADAPTER_JS, "products/notes.yaml": NOTES_YAML });
    const k = await startProject({ cwd, env });
    try {
      const report = await k.sim("notes", "lifecycle");
      expect(report.failures).to.deep.equal([]);
      const rows = (await k.koogate.db("notes_accounts").select("status")) as Array<{ status: string }>;
      expect(rows).to.deep.equal([{ status: "released" }]);
    } finally {
      await k.close();
    }
  });
});
