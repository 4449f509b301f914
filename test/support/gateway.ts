/**
 * Plays the API gateways against a test server: calls signed as APIG signs its backend calls
 * (SDK-HMAC-SHA256 with a signature key) or carrying the Agents gateway's JWT, and an upstream service
 * that records every request it receives, so a test can see that a refused call never reached it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { signAgentJwt } from "../../core/signing/agents-jwt.js";
import { signApigRequest } from "../../core/signing/apig.js";

export const APIG_KEY = "test-apig-key";
export const APIG_SECRET = "test-apig-secret-0123456789";
export const AGENT_KEY = "d44cd9aa-e48e-be17-27f4-5ef3474797a1";
export const AGENT_SECRET = "test-agent-secret-0123456789";

export interface GatewayCallOptions {
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  ak?: string;
  sk?: string;
  date?: Date;
  /** change the request after signing (a tampered body, a changed header) */
  after?: (req: { body?: string; headers: Record<string, string> }) => void;
}

/** Calls `url` as APIG does: every header sent (and host, x-sdk-date) signed with the signature key. */
export async function apigCall(url: string, o: GatewayCallOptions = {}): Promise<Response> {
  const method = o.method ?? (o.body === undefined ? "GET" : "POST");
  const headers: Record<string, string> = { "x-request-id": "req-0001", "x-customer-id": "buyer-1", ...o.headers };
  const signed = signApigRequest({ method, url, headers, body: o.body ?? "", ak: o.ak ?? APIG_KEY, sk: o.sk ?? APIG_SECRET, date: o.date });
  const req = { body: o.body, headers: { ...headers, "X-Sdk-Date": signed["X-Sdk-Date"], Authorization: signed.Authorization } };
  o.after?.(req);
  return fetch(url, { method, body: req.body, headers: req.headers });
}

/** Calls `url` as the Agents gateway does: `Authorization: Bearer <JWT>` made with the APP Key / Secret. */
export async function agentCall(url: string, o: { body?: string; token?: string; nowMs?: number; headers?: Record<string, string> } = {}): Promise<Response> {
  const token = o.token ?? signAgentJwt({ appKey: AGENT_KEY, appSecret: AGENT_SECRET, nowMs: o.nowMs });
  return fetch(url, {
    method: "POST",
    body: o.body ?? JSON.stringify({ input: "hello there" }),
    headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "x-request-id": "req-a1", "x-customer-id": "buyer-a", ...o.headers },
  });
}

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface Upstream {
  url: string;
  /** every request received, in order */
  seen: Seen[];
  server: Server;
  close(): Promise<void>;
}

/** An upstream service; `handle` answers (default: 200 JSON echoing method, path and body). */
export async function startUpstream(handle?: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<Upstream> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      if (handle) return handle(req, res, body);
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ method: req.method, url: req.url, body }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** An API definition for tests (keys from TEST_APIG_* / TEST_AGENT_* variables). */
export function apiYaml(id: string, lines: string[]): string {
  return [`id: ${id}`, `name: Test API ${id}`, "kind: api", ...lines].join("\n");
}

export const APIG_KEYS = ["gatewayKeys:", "  - { key: TEST_APIG_KEY, secret: TEST_APIG_SECRET }"];
export const AGENT_KEYS = ["gatewayKeys:", "  - { key: TEST_AGENT_KEY, secret: TEST_AGENT_SECRET }"];
export const GATEWAY_ENV = { TEST_APIG_KEY: APIG_KEY, TEST_APIG_SECRET: APIG_SECRET, TEST_AGENT_KEY: AGENT_KEY, TEST_AGENT_SECRET: AGENT_SECRET };
