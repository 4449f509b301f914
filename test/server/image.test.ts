import { expect } from "chai";
import { KINDS } from "../../core/kinds/index.js";
import { SetupError } from "../../core/errors.js";
import { productYaml, startServer, type TestServer } from "../support/server.js";

const WITH_LICENSE = KINDS;

/** A License listing (authorization codes) to pair an image with. */
const licenseYaml = (id: string) =>
  [`id: ${id}`, `name: Licence ${id}`, "kind: license", "variant: code", "adapter: DemoLicenseAdapter", "keys:", "  license: [TEST_BASIC_KEY]", "relay:", "  productIds: [OFFI846204237451911168]"].join("\n");

const imageYaml = (id: string, extra: string[] = [], pricing = "pricing: { mode: per-vcpu, price: 0.05 }") =>
  [
    `id: ${id}`,
    `name: Image ${id}`,
    "kind: image",
    "versions:",
    "  - { version: '1.0', assetId: asset-1, regions: [ap-southeast-1, af-south-1] }",
    pricing,
    "ports: [{ port: 22, protocol: tcp, purpose: SSH }]",
    "login: { method: ssh-key, user: root }",
    ...extra,
  ].join("\n");

async function refusal(products: Record<string, string>): Promise<string> {
  const e = await startServer({ kinds: WITH_LICENSE, products }).then(
    async (s) => {
      await s.close();
      return expect.fail("started");
    },
    (err: unknown) => err,
  );
  expect(e).to.be.instanceOf(SetupError);
  return (e as Error).message;
}

describe("image listings (docs/marketplace/api-image-openapi.md §7)", () => {
  let s: TestServer;
  const lines: string[] = [];
  before(async () => {
    s = await startServer({
      kinds: WITH_LICENSE,
      logLines: lines,
      products: { "img.yaml": imageYaml("img", ["license: lic"]), "lic.yaml": licenseYaml("lic"), "test-saas.yaml": productYaml("test-saas") },
    });
  });
  after(() => s?.close());

  it("logs the listing's facts at start, its pairing included", () => {
    const line = lines.find((l) => l.includes("product ready") && l.includes('"product":"img"'));
    expect(line).to.include("pricing per-vcpu 0.05").and.include("1.0 (ap-southeast-1 af-south-1)").and.include("22/tcp").and.include("paired with License listing lic");
  });

  it("serves nothing: an order notification for the image is refused 404 and nothing is stored", async () => {
    const r = await s.send({ activity: "orderNotify", orderId: "CS1", orderLineId: "CS1-000001", testFlag: "1" }, { product: "img" });
    expect(r.status).to.equal(404);
    expect(await s.koogate.db("koogate_events").where({ product_id: "img" })).to.have.length(0);
    expect((await fetch(`${s.url}/api/img/x`)).status).to.equal(404);
  });

  it("refuses a per-vCPU image that is free", async () => {
    expect(await refusal({ "i.yaml": imageYaml("i", [], "pricing: { mode: per-vcpu, price: 0 }") })).to.match(/i\.yaml \/pricing\/price: a per-vCPU image cannot be free/);
  });

  it("refuses a pairing with a product that does not exist", async () => {
    expect(await refusal({ "i.yaml": imageYaml("i", ["license: ghost"]) })).to.match(/\/license: license: ghost names no product/);
  });

  it("refuses a pairing with a listing that is not a License listing", async () => {
    expect(await refusal({ "i.yaml": imageYaml("i", ["license: test-saas"]), "test-saas.yaml": productYaml("test-saas") })).to.match(/license: test-saas is a saas listing, not a License listing/);
  });

  it("refuses an image definition without ports, naming the field", async () => {
    expect(await refusal({ "i.yaml": imageYaml("i").replace(/ports:.*\n/, "") })).to.match(/missing required field "ports"/);
  });
});
