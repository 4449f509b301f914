/**
 * A test server wired to a local marketplace (sim/marketplace/): KOOGATE_MARKETPLACE_* point at it, a
 * product with order notification and metering, and an adapter whose optional hooks record what they see.
 */
import { injectable } from "tsyringe";
import { DemoSaasAdapter } from "../../adapters/demo-saas.js";
import type { MarketplaceClient } from "../../core/marketplace/client.js";
import type { UsageHookContext, UsageWindow } from "../../core/metering/hook.js";
import type { NotifiedOrder, OrderNotifiedContext } from "../../core/orders/order.js";
import { startLocalMarketplace, type LocalMarketplace } from "../../sim/marketplace/server.js";
import { startServer, TEST_KEY, type TestServer } from "./server.js";

export const TEST_GENERAL_KEY = "test-general-key-0123456789";
const AK = "TEST-AK";
const SK = "test-sk-0123456789";

/** What the hooks saw, per server. */
export const seen = { orders: [] as NotifiedOrder[], usageAsked: [] as string[], usage: new Map<string, number>(), failHook: 0 };

@injectable()
export class HookedSaasAdapter extends DemoSaasAdapter {
  async orderNotified(order: NotifiedOrder, _ctx: OrderNotifiedContext): Promise<void> {
    if (seen.failHook > 0) {
      seen.failHook--;
      throw new Error("the merchant's backend is down");
    }
    seen.orders.push(order);
  }

  async usage(instanceId: string, window: UsageWindow, _ctx: UsageHookContext): Promise<number | undefined> {
    seen.usageAsked.push(`${instanceId}@${window.begin.toISOString()}`);
    return seen.usage.get(instanceId);
  }
}

export function meteredYaml(id: string, extra = ""): string {
  return [
    `id: ${id}`,
    `name: Test product ${id}`,
    "kind: saas",
    "adapter: HookedSaasAdapter",
    "keys:",
    "  basic: [TEST_BASIC_KEY]",
    "  general: [TEST_GENERAL_KEY]",
    "orderNotify: { enabled: true }",
    "metering: { enabled: true }",
    "options:",
    "  loginUrl: https://example.test/login",
    extra,
  ].join("\n");
}

export interface MarketplaceRig {
  mkt: LocalMarketplace;
  server: TestServer;
  close(): Promise<void>;
}

/** A local marketplace and a koogate server calling it; the usage pushes of "test-saas" verify with its basic key. */
export async function startRig(
  opts: {
    databaseUrl?: string;
    env?: Record<string, string>;
    mkt?: LocalMarketplace;
    /** collect the server's log lines here instead of printing them */
    logLines?: string[];
    /** the server's open-API client, made from the environment that points at the local marketplace; default the real one */
    client?: (env: Record<string, string>) => MarketplaceClient;
  } = {},
): Promise<MarketplaceRig> {
  seen.orders = [];
  seen.usageAsked = [];
  seen.usage = new Map();
  seen.failHook = 0;
  const mkt = opts.mkt ?? (await startTestMarketplace());
  mkt.state.setUsageKey("test-saas", TEST_KEY);
  const server = await startServer({
    products: { "test-saas.yaml": meteredYaml("test-saas") },
    adapters: [HookedSaasAdapter],
    databaseUrl: opts.databaseUrl,
    env: { TEST_GENERAL_KEY, ...marketplaceEnvOf(mkt), ...opts.env },
    marketplace: opts.client?.(marketplaceEnvOf(mkt)),
    logLines: opts.logLines,
  });
  return {
    mkt,
    server,
    async close() {
      await server.close();
      if (!opts.mkt) await mkt.close();
    },
  };
}

/** A local marketplace expecting the AK/SK that `marketplaceEnvOf` hands out. */
export function startTestMarketplace(): Promise<LocalMarketplace> {
  return startLocalMarketplace({ ak: AK, sk: SK, hangMs: 200 });
}

/** The environment that points a koogate server at `mkt`. */
export function marketplaceEnvOf(mkt: LocalMarketplace): Record<string, string> {
  return { KOOGATE_MARKETPLACE_URL: mkt.url, KOOGATE_MARKETPLACE_AK: AK, KOOGATE_MARKETPLACE_SK: SK };
}

/** A notification body (docs/marketplace/api-image-openapi.md §5). */
export function notifyBody(orderId: string, testFlag = "0") {
  return { activity: "orderNotify", orderId, orderLineId: `${orderId}-000001`, testFlag };
}
