import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { DemoSaasAdapter } from "../../../adapters/demo-saas.js";
import { DEMO_ADAPTERS } from "../../support/demo-adapters.js";
import type { AdapterClass } from "../../../core/adapters.js";
import { SetupError } from "../../../core/errors.js";
import { createLogger } from "../../../core/logger.js";
import { KINDS } from "../../../core/kinds/index.js";
import { devKey, loadProducts } from "../../../core/products/loader.js";

const adapters = new Map<string, AdapterClass>([["DemoSaasAdapter", DemoSaasAdapter]]);
const GOOD = `id: shop
name: Shop
kind: saas
adapter: DemoSaasAdapter
keys:
  basic: [SHOP_KEY, SHOP_KEY_NEXT]
options:
  loginUrl: https://shop.example/login
`;

function load(files: Record<string, string>, opts: { env?: Record<string, string>; production?: boolean; lines?: string[] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "koogate-defs-"));
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  const lines = opts.lines ?? [];
  return {
    dir,
    products: () =>
      loadProducts({
        dir,
        env: opts.env ?? { SHOP_KEY: "k1" },
        production: opts.production ?? false,
        adapters,
        kinds: KINDS,
        logger: createLogger({ level: "debug", write: (l) => lines.push(l) }),
      }),
  };
}

function setupError(fn: () => unknown): SetupError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(SetupError);
    return e as SetupError;
  }
  return expect.fail("expected a SetupError") as never;
}

describe("product definitions (products/*.yaml)", () => {
  it("loads a valid definition with its defaults and resolved keys", () => {
    const [p] = load({ "shop.yaml": GOOD }, { env: { SHOP_KEY: "k1", SHOP_KEY_NEXT: "k2" } }).products();
    expect(p).to.include({ id: "shop", kind: "saas", protocol: "v2", encryptType: 1, credentials: "plain" });
    expect(p!.keys.basic).to.deep.equal(["k1", "k2"]);
    expect(p!.keyVariables.basic).to.deep.equal([{ name: "SHOP_KEY", set: true }, { name: "SHOP_KEY_NEXT", set: true }]);
  });

  it("ships demo definitions that load with the registered adapters", () => {
    // the adapter modules the repository's koogate.config.json names
    const registered = new Map(DEMO_ADAPTERS.map((a) => [a.name, a] as [string, AdapterClass]));
    const products = loadProducts({ dir: "products", env: {}, production: false, adapters: registered, kinds: KINDS, logger: createLogger({ level: "silent" }) });
    expect(products.map((p) => p.id)).to.include.members(["demo-saas", "demo-api", "demo-agent", "demo-image", "demo-license", "demo-license-online", "demo-license-v1"]);
  });

  const refusals: Array<[string, string, RegExp]> = [
    ["an unknown kind", GOOD.replace("kind: saas", "kind: vm"), new RegExp(`/kind: must be one of ${KINDS.map((k) => `"${k.name}"`).join(", ")}`)],
    ["an unknown adapter", GOOD.replace("DemoSaasAdapter", "NoSuchAdapter"), /\/adapter: unknown adapter "NoSuchAdapter" \(registered: DemoSaasAdapter\); export it from a module named in koogate.config.json "adapters"/],
    ["an encryptType other than 1 or 2", GOOD + "encryptType: 3\n", /\/encryptType: must be one of 1, 2/],
    ["a key written in place of its variable name", GOOD.replace("SHOP_KEY, SHOP_KEY_NEXT", "abc123secret"), /\/keys\/basic\/0: .*environment-variable name/],
    ["a misspelt field", GOOD + "encrytType: 1\n", /unknown field "encrytType"/],
    ["options the adapter's schema refuses", GOOD.replace("https://shop.example/login", "ftp://x"), /\/options\/loginUrl: .*\(schema of DemoSaasAdapter\)/],
    ["a missing id", GOOD.replace("id: shop\n", ""), /missing required field "id"/],
    ["broken YAML", "id: [shop\n", /not valid YAML/],
  ];
  for (const [what, text, message] of refusals) {
    it(`refuses to start on ${what}, naming the file and the path`, () => {
      const l = load({ "shop.yaml": text });
      const e = setupError(l.products);
      expect(e.message).to.include(join(l.dir, "shop.yaml"));
      expect(e.message).to.match(message);
    });
  }

  it("refuses two definitions with the same id", () => {
    const e = setupError(load({ "a.yaml": GOOD, "b.yaml": GOOD }).products);
    expect(e.message).to.match(/b\.yaml \/id: duplicate id "shop", already used by .*a\.yaml/);
  });

  it("refuses to start in production when a key variable is missing, naming it but no value", () => {
    const e = setupError(load({ "shop.yaml": GOOD }, { env: {}, production: true }).products);
    expect(e.message).to.match(/\/keys\/basic\/0: key variable SHOP_KEY is not set/);
  });

  it("starts in production when a listed key variable is unset but no served interface uses it", () => {
    const lines: string[] = [];
    const withKit = GOOD.replace("keys:\n", "keys:\n  kit: [SHOP_KIT]\n");
    const [p] = load({ "shop.yaml": withKit }, { env: { SHOP_KEY: "k1" }, production: true, lines }).products();
    expect(p!.keys.kit).to.deep.equal([]);
    expect(lines.join()).to.include("SHOP_KIT is not set; no interface of product shop uses keys.kit");
  });

  it("refuses a definition whose served interfaces need a key type it does not list", () => {
    const e = setupError(load({ "shop.yaml": GOOD.replace("  basic: [SHOP_KEY, SHOP_KEY_NEXT]\n", "  kit: [SHOP_KIT]\n") }).products);
    expect(e.message).to.match(/\/keys\/basic: missing keys\.basic/);
  });

  it("outside production, starts with a public dev key for a missing variable and warns loudly", () => {
    const lines: string[] = [];
    const [p] = load({ "shop.yaml": GOOD }, { env: {}, lines }).products();
    expect(p!.keys.basic).to.deep.equal([devKey("SHOP_KEY")]);
    expect(lines.join()).to.include("SHOP_KEY is not set").and.include('"level":"warn"');
  });

  it("reports every broken file at once", () => {
    const e = setupError(load({ "a.yaml": GOOD.replace("kind: saas", "kind: x"), "b.yaml": "id: [" }).products);
    expect(e.message).to.match(/2 problems/);
  });
});
