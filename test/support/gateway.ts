/**
 * Plays the API gateways against a test server: calls signed as APIG signs its backend calls
 * (SDK-HMAC-SHA256 with a signature key) or carrying the Agents gateway's JWT, and an upstream service
 * that records every request it receives, so a test can see that a refused call never reached it.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { signAgentJwt } from "../../core/signing/agents-jwt.js";
import { APIG_ALGORITHM, formatSdkDate, signApig, signApigRequest } from "../../core/signing/apig.js";

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
  /** headers sent but not signed (not in SignedHeaders); a name here is left out of the signed defaults */
  unsigned?: Record<string, string>;
  /** change the request after signing (a tampered body, a changed header) */
  after?: (req: { body?: string; headers: Record<string, string> }) => void;
}

/**
 * Calls `url` as APIG does: every header sent (and host, x-sdk-date) signed with the signature key, with
 * a fresh X-Request-Id per call as the gateway's own (so that two calls never share a signature).
 */
export async function apigCall(url: string, o: GatewayCallOptions = {}): Promise<Response> {
  const method = o.method ?? (o.body === undefined ? "GET" : "POST");
  const headers: Record<string, string> = { "x-request-id": randomUUID(), "x-customer-id": "buyer-1", ...o.headers };
  for (const name of Object.keys(o.unsigned ?? {})) delete headers[name];
  const signed = signApigRequest({ method, url, headers, body: o.body ?? "", ak: o.ak ?? APIG_KEY, sk: o.sk ?? APIG_SECRET, date: o.date });
  const req = { body: o.body, headers: { ...headers, ...o.unsigned, "X-Sdk-Date": signed["X-Sdk-Date"], Authorization: signed.Authorization } };
  o.after?.(req);
  return fetch(url, { method, body: req.body, headers: req.headers });
}

/** A request with its target exactly as written (no URL parsing, so `..` and `%65` stay as they are). */
export interface RawRequest {
  method: string;
  /** the path and query as sent: `/api/p/../x?b=2&a=1` */
  target: string;
  headers: Record<string, string>;
  body?: string;
}

/** Signs `target` as sent (path and query untouched) with the test key pair, every header signed. */
export function signedRaw(base: string, target: string, o: { method?: string; body?: string; headers?: Record<string, string> } = {}): RawRequest {
  const method = o.method ?? (o.body === undefined ? "GET" : "POST");
  const [path, query = ""] = target.split(/\?(.*)/s) as [string, string?];
  const headers: Record<string, string> = { host: new URL(base).host, "x-sdk-date": formatSdkDate(new Date()), "x-request-id": randomUUID(), "x-customer-id": "buyer-1", ...o.headers };
  const signedHeaders = Object.keys(headers).sort();
  const signature = signApig({ method, path, rawQuery: query, header: (n) => headers[n], signedHeaders, body: o.body ?? "", sdkDate: headers["x-sdk-date"]!, secret: APIG_SECRET });
  headers.authorization = `${APIG_ALGORITHM} Access=${APIG_KEY}, SignedHeaders=${signedHeaders.join(";")}, Signature=${signature}`;
  return { method, target, headers, body: o.body };
}

/** Sends a raw request (node:http, which sends the target as given); resolves with the status and body. */
export function sendRaw(base: string, r: RawRequest): Promise<{ status: number; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method: r.method, path: r.target, headers: r.headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end(r.body);
  });
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
