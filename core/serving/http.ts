import type { Readable } from "node:stream";

/**
 * An HTTP request and answer as a kind's endpoint sees them, without Koa: `server/app.ts` adapts Koa
 * to these, so `core/` stays framework-free and a kind's endpoints can be tested without a socket.
 */

/** The exact body bytes, read up to the server's limit. */
export interface RawBody {
  bytes: Buffer;
  /** the body was larger than the limit: `bytes` is empty and the rest was not kept */
  oversize: boolean;
}

export interface HttpCall {
  method: string;
  /** the request path exactly as sent, percent-encoding untouched, without the query */
  path: string;
  /** the route's parameters, e.g. `id` and `sync` of `/produce/:id/produceAPI/v2/:sync` */
  params: Readonly<Record<string, string>>;
  /** the query string exactly as sent, still URL-encoded, without `?` */
  rawQuery: string;
  /** the caller's address: the socket peer, or behind a trusted proxy the hop it forwarded (core/serving/client-address.ts), for rate limits */
  clientAddress: string;
  /** a request header by lower-case name; repeated headers joined by ", " as Node does */
  header(name: string): string | undefined;
  /** every request header by lower-case name, as Node holds them (for an endpoint that forwards them) */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /**
   * reads the body (once); nothing is decoded or parsed
   * @param limit largest body kept; default the server's `KOOGATE_MAX_BODY_BYTES`
   */
  body(limit?: number): Promise<RawBody>;
  /** the body as a stream, for an endpoint that forwards it unread (instead of `body()`, never both) */
  bodyStream(): Readable;
  /** the address the connection came from (the peer, not a forwarded header) */
  remoteAddress: string;
}

export interface HttpAnswer {
  status: number;
  headers?: Readonly<Record<string, string | string[]>>;
  /** sent exactly as given: a Buffer is never re-serialised; a stream is sent as it comes, unbuffered */
  body: Buffer | string | Readable;
  /** the content type; default `application/json; charset=utf-8`, unless `headers` has a Content-Type (kept as is) */
  type?: string;
}

/** A short JSON error answer: `{"error": "…"}`. */
export function jsonError(status: number, error: string, headers?: Record<string, string>): HttpAnswer {
  return { status, headers, body: JSON.stringify({ error }) };
}
