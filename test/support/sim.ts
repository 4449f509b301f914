/**
 * Simulator targets for tests: the product a started test server really loaded (keys as it resolved
 * them), or a hand-made product for a small fake server written in a test.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DEFAULT_PROVISIONING } from "../../core/outbox/provisioning.js";
import type { SaasProduct as Product } from "../../core/kinds/saas/product.js";
import type { ProductBase } from "../../core/products/definition.js";
import { runScenario, type RunReport } from "../../sim/runner.js";
import type { OptionValues } from "../../core/simulation/scenario.js";
import { findScenario } from "../../sim/scenarios/index.js";
import type { SimTarget } from "../../sim/target.js";
import type { TestServer } from "./server.js";
import { keyLists, keyVariableLists } from "./keys.js";

/** The target for `productId` of a started server, with the keys that server loaded. */
export function targetOf(server: TestServer, productId = "test-saas"): SimTarget {
  const served = server.koogate.kernel.product(productId);
  if (!served) throw new Error(`the test server has no product ${productId}`);
  return target(served.product, server.url);
}

export function target(product: ProductBase, baseUrl: string, extra: Partial<SimTarget> = {}): SimTarget {
  return { product, baseUrl, productionUrl: `${baseUrl}/produce/${product.id}`, testFlag: "0", timeoutMs: 5000, ...extra };
}

/** A product definition as loaded, for a fake server: basic key `key`, nothing else. */
export function fakeProduct(key: string, extra: Partial<Product> = {}): Product {
  return {
    id: "fake",
    name: "a fake merchant server",
    kind: "saas",
    protocol: "v2",
    adapter: "none",
    encryptType: 1,
    credentials: "plain",
    provisioning: DEFAULT_PROVISIONING,
    jointOperation: { enabled: false, privateKey: null, privateKeySource: null },
    orderNotify: { enabled: false },
    metering: { enabled: false, period: "hour", billing: "on-demand", realtimeBudgetMs: 1000 },
    options: {},
    keys: keyLists({ basic: [key] }),
    keyVariables: keyVariableLists({ basic: [{ name: "FAKE_KEY", set: true }] }),
    file: "(test)",
    ...extra,
  };
}

/** Runs the scenario registered as `name`. */
export function run(name: string, t: SimTarget, options: OptionValues = {}): Promise<RunReport> {
  const scenario = findScenario(name);
  if (!scenario) throw new Error(`no scenario ${name}`);
  return runScenario({ scenario, target: t, options });
}

/** Every failure reason of a report, one string per reason, for readable assertions. */
export function failures(r: RunReport): string[] {
  return r.steps.flatMap((s) => s.failures.map((f) => `${s.n} ${s.activity}: ${f}`));
}

/** Starts a hand-written fake merchant server on a free loopback port; returns its base URL. */
export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => server.close(() => resolve()));
}
