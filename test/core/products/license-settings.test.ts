import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { DemoLicenseAdapter } from "../../../adapters/demo-license.js";
import type { AdapterClass } from "../../../core/adapters.js";
import { KINDS } from "../../../core/kinds/index.js";
import type { LicenseProduct } from "../../../core/kinds/license/product.js";
import { createLogger } from "../../../core/logger.js";
import { loadProducts } from "../../../core/products/loader.js";

// a code listing's relay names the products it unlocks (issue 24, finding 1)
const licence = (variant: string, extra: string) =>
  `id: lic\nname: Lic\nkind: license\nvariant: ${variant}\nadapter: DemoLicenseAdapter\nkeys:\n  basic: [K]\n  license: [K]\n  general: [K]\n${variant === "code" ? "relay: { productIds: [P1] }\n" : ""}${extra}\n`;

function load(text: string): LicenseProduct[] {
  const dir = mkdtempSync(join(tmpdir(), "koogate-lic-"));
  writeFileSync(join(dir, "lic.yaml"), text);
  const adapters = new Map<string, AdapterClass>([["DemoLicenseAdapter", DemoLicenseAdapter as unknown as AdapterClass]]);
  return loadProducts({ dir, env: { K: "k" }, production: false, adapters, kinds: KINDS, logger: createLogger({ level: "silent" }) }) as LicenseProduct[];
}

describe("metering and order notification on License listings (docs/marketplace/license.md §0, §3)", () => {
  it("accepts metering (on-demand or package) and order notification on an online listing", () => {
    const [p] = load(licence("online", "metering: { enabled: true, billing: package }\norderNotify: { enabled: true }"));
    expect(p!.metering).to.include({ enabled: true, billing: "package", realtimeBudgetMs: 1000 });
    expect(p!.orderNotify.enabled).to.equal(true);
  });

  for (const [variant, extra, message] of [
    ["code", "metering: { enabled: true }", /\/metering: metering needs instances the marketplace queries/],
    ["v1", "metering: { enabled: true }", /\/metering: metering needs instances/],
    ["code", "orderNotify: { enabled: true }", /\/orderNotify: .*a variant code listing has none/],
    ["v1", "orderNotify: { enabled: true }", /\/orderNotify: order notification is a 2\.0 POST call/],
  ] as const) {
    it(`refuses ${extra.split(":")[0]} on a ${variant} listing, saying why`, () => {
      expect(() => load(licence(variant, extra))).to.throw(message);
    });
  }
});
