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
  /** the route's parameters, e.g. `id` and `sync` of `/produce/:id/produceAPI/v2/:sync` */
  params: Readonly<Record<string, string>>;
  /** the query string exactly as sent, still URL-encoded, without `?` */
  rawQuery: string;
  /** the caller's address (the proxy's X-Forwarded-For when the server sits behind one), for rate limits */
  clientAddress: string;
  /** a request header by lower-case name; repeated headers joined by ", " as Node does */
  header(name: string): string | undefined;
  /** reads the body (once); nothing is decoded or parsed */
  body(): Promise<RawBody>;
}

export interface HttpAnswer {
  status: number;
  headers?: Readonly<Record<string, string>>;
  /** sent exactly as given: a Buffer is never re-serialised */
  body: Buffer | string;
  /** the content type; default `application/json; charset=utf-8` */
  type?: string;
}

/** A short JSON error answer: `{"error": "…"}`. */
export function jsonError(status: number, error: string, headers?: Record<string, string>): HttpAnswer {
  return { status, headers, body: JSON.stringify({ error }) };
}
