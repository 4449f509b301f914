/**
 * Starts the real koogate server (composition root, Koa, a real database) on a loopback port, with
 * product definitions written by the test, and sends requests signed exactly as KooGallery signs them.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AdapterClass } from "../../core/adapters.js";
import { loadConfig } from "../../core/config.js";
import { createLogger, type Logger } from "../../core/logger.js";
import { signBasicRequest } from "../../core/signing/basic.js";
import { signKitRequest } from "../../core/signing/kit.js";
import { verifyBodySign } from "../../core/signing/body-sign.js";
import type { Clock } from "../../core/tokens.js";
import { createKoogate, type Koogate } from "../../server/composition.js";
import { freshDatabaseUrl } from "./database.js";

export const TEST_KEY = "test-basic-key-0123456789";
export const TEST_KIT_KEY = "test-kit-key-0123456789";

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
}

export interface Reply {
  status: number;
  text: string;
  json: Record<string, unknown>;
  bodySign: string | null;
  /** null when Body-Sign verifies over the exact bytes received */
  bodySignProblem: string | null;
}

export interface TestServer {
  url: string;
  databaseUrl: string;
  koogate: Koogate;
  logger: Logger;
  /** POSTs `body` to /produce/<product>, signed with `key` (default TEST_KEY) unless `query` is given */
  send(body: string | object, opts?: { product?: string; key?: string; query?: string; headers?: Record<string, string> }): Promise<Reply>;
  /** POSTs `body` to /produce/<product>/produceAPI/v2/<sync>, x-signed with `kitKey` (default TEST_KIT_KEY) */
  sync(sync: string, body: string | object, opts?: { product?: string; kitKey?: string; headers?: Record<string, string> }): Promise<Reply>;
  /** GETs /produce/<product>?<query> (a 1.0 call); `query` is sent exactly as given; Body-Sign checked with `key` */
  get(query: string, opts?: { product?: string; key?: string }): Promise<Reply>;
  close(): Promise<void>;
}

async function reply(res: Response, keys: string[]): Promise<Reply> {
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // left empty: the test asserts on text
  }
  const bodySign = res.headers.get("body-sign");
  return { status: res.status, text, json, bodySign, bodySignProblem: verifyBodySign(bodySign, text, keys) };
}

export async function startServer(opts: StartOptions = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), "koogate-products-"));
  for (const [file, yaml] of Object.entries(opts.products ?? { "test-saas.yaml": productYaml("test-saas") })) {
    writeFileSync(join(dir, file), yaml);
  }
  const databaseUrl = opts.databaseUrl ?? (await freshDatabaseUrl());
  const env = { TEST_BASIC_KEY: TEST_KEY, TEST_KIT_KEY, ...opts.env };
  const config = { ...loadConfig({}), productsDir: dir, databaseUrl, port: 0 };
  const lines = opts.logLines;
  const logger = createLogger({ level: lines ? "debug" : "silent", write: lines ? (l) => lines.push(l) : undefined });
  const koogate = await createKoogate({ config, env, logger, adapters: opts.adapters, clock: opts.clock });
  const server = await koogate.listen(0, "127.0.0.1");
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  return {
    url,
    databaseUrl,
    koogate,
    logger,
    async send(body, o = {}) {
      const text = typeof body === "string" ? body : JSON.stringify(body);
      const key = o.key ?? TEST_KEY;
      const query = o.query ?? signBasicRequest({ accessKey: key, body: text }).query;
      const res = await fetch(`${url}/produce/${o.product ?? "test-saas"}?${query}`, {
        method: "POST",
        body: text,
        headers: { "content-type": "application/json;charset=utf8", ...o.headers },
      });
      const replyText = await res.text();
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(replyText) as Record<string, unknown>;
      } catch {
        // left empty: the test asserts on text
      }
      const bodySign = res.headers.get("body-sign");
      return { status: res.status, text: replyText, json, bodySign, bodySignProblem: verifyBodySign(bodySign, replyText, [key]) };
    },
    async sync(sync, body, o = {}) {
      const text = typeof body === "string" ? body : JSON.stringify(body);
      const kitKey = o.kitKey ?? TEST_KIT_KEY;
      const res = await fetch(`${url}/produce/${o.product ?? "test-saas"}/produceAPI/v2/${sync}`, {
        method: "POST",
        body: text,
        headers: { "content-type": "application/json;charset=utf8", ...signKitRequest({ kitKey, body: text }), ...o.headers },
      });
      return reply(res, [kitKey]);
    },
    async get(query, o = {}) {
      const res = await fetch(`${url}/produce/${o.product ?? "test-saas"}?${query}`);
      return reply(res, [o.key ?? TEST_KEY]);
    },
    close: () => koogate.close(),
  };
}
