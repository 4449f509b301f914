/**
 * Starts the real koogate server (composition root, Koa, a real database) on a loopback port, with
 * product definitions written by the test, and sends requests signed exactly as KooGallery signs them.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AdapterClass } from "../../core/adapters.js";
import type { Kind } from "../../core/kinds/kind.js";
import { DEMO_ADAPTERS } from "./demo-adapters.js";
import type { Config } from "../../core/settings/server.js";
import type { Logger } from "../../core/logger.js";
import type { MarketplaceClient } from "../../core/marketplace/client.js";
import { signKitRequest } from "../../core/signing/kit.js";
import { startKoogate } from "../../testing/server.js";
import type { Clock } from "../../core/tokens.js";
import type { Koogate } from "../../server/composition.js";
import { DEFAULT_TEST_PRODUCT, readReply, sendSigned, TEST_KEY, TEST_KIT_KEY, type Reply, type SendOptions } from "./client.js";

export { TEST_KEY, TEST_KIT_KEY, type Reply };

/** A product definition for tests: the demo adapter, keys from TEST_* variables. */
export function productYaml(id: string, extra = ""): string {
  return [
    `id: ${id}`,
    `name: Test product ${id}`,
    "kind: saas",
    "adapter: DemoSaasAdapter",
    "keys:",
    "  basic: [TEST_BASIC_KEY]",
    "  kit: [TEST_KIT_KEY]",
    "options:",
    "  loginUrl: https://example.test/login",
    extra,
  ].join("\n");
}

export interface StartOptions {
  /** file name → YAML; default one product "test-saas" */
  products?: Record<string, string>;
  adapters?: readonly AdapterClass[];
  /** reuse a database (a restart); default a fresh one */
  databaseUrl?: string;
  env?: Record<string, string>;
  clock?: Clock;
  /** collect log lines here instead of printing them */
  logLines?: string[];
  /** the product kinds; default the registry */
  kinds?: readonly Kind[];
  /** settings over the defaults (products, database and port are the test's) */
  config?: Partial<Config>;
  /** the open-API client; default one from the KOOGATE_MARKETPLACE_* variables of `env` */
  marketplace?: MarketplaceClient;
}

export interface TestServer {
  url: string;
  databaseUrl: string;
  koogate: Koogate;
  logger: Logger;
  /** POSTs `body` to /produce/<product>, signed with `key` (default TEST_KEY) unless `query` is given */
  send(body: string | object, opts?: SendOptions): Promise<Reply>;
  /** POSTs `body` to /produce/<product>/produceAPI/v2/<sync>, x-signed with `kitKey` (default TEST_KIT_KEY) */
  sync(sync: string, body: string | object, opts?: { product?: string; kitKey?: string; headers?: Record<string, string> }): Promise<Reply>;
  /** GETs /produce/<product>?<query> (a 1.0 call); `query` is sent exactly as given; Body-Sign checked with `key` */
  get(query: string, opts?: { product?: string; key?: string }): Promise<Reply>;
  close(): Promise<void>;
}

/** Writes product definitions (file name → YAML; default one product "test-saas") to a fresh folder. */
export function writeProducts(products: Record<string, string> = { "test-saas.yaml": productYaml("test-saas") }): string {
  const dir = mkdtempSync(join(tmpdir(), "koogate-products-"));
  for (const [file, yaml] of Object.entries(products)) writeFileSync(join(dir, file), yaml);
  return dir;
}

export async function startServer(opts: StartOptions = {}): Promise<TestServer> {
  const t = await startKoogate({
    productsDir: writeProducts(opts.products),
    adapters: opts.adapters ?? DEMO_ADAPTERS,
    env: { TEST_BASIC_KEY: TEST_KEY, TEST_KIT_KEY, ...opts.env },
    databaseUrl: opts.databaseUrl,
    clock: opts.clock,
    kinds: opts.kinds,
    logLines: opts.logLines,
    config: opts.config,
    marketplace: opts.marketplace,
  });
  const { url } = t;
  return {
    url,
    databaseUrl: t.databaseUrl,
    koogate: t.koogate,
    logger: t.logger,
    send: (body, o) => sendSigned(url, body, { product: DEFAULT_TEST_PRODUCT, ...o }),
    async sync(sync, body, o = {}) {
      const text = typeof body === "string" ? body : JSON.stringify(body);
      const kitKey = o.kitKey ?? TEST_KIT_KEY;
      const res = await fetch(`${url}/produce/${o.product ?? "test-saas"}/produceAPI/v2/${sync}`, {
        method: "POST",
        body: text,
        headers: { "content-type": "application/json;charset=utf8", ...signKitRequest({ kitKey, body: text }), ...o.headers },
      });
      return readReply(res, [kitKey]);
    },
    async get(query, o = {}) {
      const res = await fetch(`${url}/produce/${o.product ?? "test-saas"}?${query}`);
      return readReply(res, [o.key ?? TEST_KEY]);
    },
    close: t.close,
  };
}
