import { expect } from "chai";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DemoSaasAdapter } from "../../../adapters/demo-saas.js";
import { DEMO_ADAPTERS } from "../../support/demo-adapters.js";
import { SetupError } from "../../../core/errors.js";
import { createLogger } from "../../../core/logger.js";
import { KINDS } from "../../../core/kinds/index.js";
import type { SaasProduct } from "../../../core/kinds/saas/product.js";
import { loadProducts } from "../../../core/products/loader.js";

const byName = new Map(DEMO_ADAPTERS.map((a) => [a.name, a]));
const logger = createLogger({ level: "silent" });

function load(yaml: string, env: Record<string, string> = {}, production = false) {
  const dir = mkdtempSync(join(tmpdir(), "koogate-def-"));
  writeFileSync(join(dir, "p.yaml"), yaml);
  return loadProducts({ dir, env: { K: "k", KIT: "kit", ...env }, production, adapters: byName, kinds: KINDS, logger })[0]! as SaasProduct;
}

const def = (extra: string, keys = "keys: { basic: [K], kit: [KIT] }") =>
  ["id: p", "name: P", "kind: saas", "adapter: DemoSaasAdapter", keys, "options: { loginUrl: https://x.test }", extra].join("\n");

function setupError(fn: () => unknown): SetupError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SetupError) return e;
    throw e;
  }
  throw new Error("no SetupError");
}

describe("product definitions: jointOperation and protocol v1", () => {
  it("loads the shipped demo listings, the 2.0 one with joint-operation sync enabled", () => {
    const products = loadProducts({ dir: "products", env: {}, production: false, adapters: byName, kinds: KINDS, logger }) as SaasProduct[];
    const v2 = products.find((p) => p.id === "demo-saas")!;
    const v1 = products.find((p) => p.id === "demo-saas-v1")!;
    expect(v2.jointOperation).to.include({ enabled: true, privateKey: null });
    expect([v1.protocol, v1.credentials]).to.deep.equal(["v1", "encrypted"]);
  });

  it("reads the RSA private key from the named variable", () => {
    const pem = generateKeyPairSync("rsa", { modulusLength: 3072 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const p = load(def("jointOperation: { enabled: true, privateKey: { env: PK } }"), { PK: pem });
    expect(p.jointOperation.privateKey?.asymmetricKeyType).to.equal("rsa");
  });

  it("refuses jointOperation without a kit key, naming keys.kit", () => {
    const e = setupError(() => load(def("jointOperation: { enabled: true }", "keys: { basic: [K] }")));
    expect(e.path).to.equal("/keys/kit");
  });

  it("refuses jointOperation on a v1 listing", () => {
    const e = setupError(() => load(def("protocol: v1\njointOperation: { enabled: true }")));
    expect(e.path).to.equal("/jointOperation");
  });

  it("refuses to start in production without the private key", () => {
    const e = setupError(() => load(def("jointOperation: { enabled: true, privateKey: { env: PK } }"), {}, true));
    expect(e.message).to.include("PK is not set");
  });

  it("refuses a variable that holds no PEM key", () => {
    const e = setupError(() => load(def("jointOperation: { enabled: true, privateKey: { env: PK } }"), { PK: "not a key" }));
    expect(e.path).to.equal("/jointOperation/privateKey");
  });

  it("refuses credentials: plain on a v1 listing", () => {
    const e = setupError(() => load(def("protocol: v1\ncredentials: plain")));
    expect(e.path).to.equal("/credentials");
  });
});
