/**
 * Forwards an authenticated call to the merchant's existing HTTP service (`upstream:`), streamed both
 * ways: the answer's bytes reach the caller as the upstream writes them (Server-Sent Events, chunked
 * LLM answers), and an unread request body is piped, not collected. Hop-by-hop headers (RFC 9110 §7.6.1)
 * are not forwarded either way; the gateway's credential header is not forwarded upstream. Like nginx's
 * `proxy_set_header X-Forwarded-For $remote_addr` or Envoy at the edge, the forwarding headers a caller
 * sends (`Forwarded`, `X-Forwarded-*`, `X-Real-IP`) never reach the upstream: `X-Forwarded-For` is set
 * to the address koogate's connection came from, and nothing else is claimed.
 *
 * Failures before the answer starts are outcomes, not throws: the upstream refusing or dropping the
 * connection is `upstream-down` (answered 502), no answer head within the timeout `upstream-timeout`
 * (answered 504). After the head, a failure cuts the answer short: the status is already sent.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { Transform, type Readable, type TransformCallback } from "node:stream";

/** Headers that describe one connection, never forwarded (RFC 9110 §7.6.1), plus `expect` handled by Node. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "expect"]);

/** Request headers a caller could forge to mislead the upstream about where the call came from, and `host` (the upstream's own is sent). */
const isForwardingOrHost = (name: string) => name === "host" || name === "forwarded" || name === "x-real-ip" || name.startsWith("x-forwarded-");

/** The usual `Connection` header, which names no header but a hop-by-hop one. */
const PLAIN_CONNECTION = /^\s*keep-alive\s*$/i;

/**
 * The headers of `h` that go to the other side: no hop-by-hop ones, none the `Connection` header names,
 * none of `drop`, none `skip` says. One pass, no header deleted afterwards (issue 21: the API path copies
 * two header sets per call).
 */
export function endToEnd(h: IncomingHttpHeaders, drop: readonly string[] = [], skip?: (name: string) => boolean): Record<string, string | string[]> {
  const connection = h.connection;
  const named = connection === undefined || PLAIN_CONNECTION.test(connection) ? undefined : new Set(connection.toLowerCase().split(",").map((s) => s.trim()));
  const out: Record<string, string | string[]> = {};
  for (const name in h) {
    const value = h[name];
    if (value === undefined || HOP_BY_HOP.has(name) || named?.has(name) || drop.includes(name) || skip?.(name)) continue;
    out[name] = value;
  }
  return out;
}

export interface ProxyCall {
  method: string;
  /** the sub-path after `/api/<id>`, starting with `/`, in its normal form (./target.ts) */
  subPath: string;
  /** the canonical query (./target.ts), without `?` */
  query: string;
  headers: IncomingHttpHeaders;
  /** bytes already read (they were verified), or the request stream itself */
  body: Buffer | Readable;
  /** largest streamed body forwarded; past it the call fails as `too-large` */
  maxBodyBytes: number;
  /** the address the connection came from: the X-Forwarded-For sent upstream */
  remoteAddress: string;
  /** request headers not forwarded (the gateway's credential) */
  drop: readonly string[];
}

export type ProxyResult =
  | { ok: true; status: number; headers: Record<string, string | string[]>; body: IncomingMessage; counted: ByteCount }
  | { ok: false; failure: "upstream-down" | "upstream-timeout" | "too-large"; bytesIn: number };

/**
 * The bytes an answer's stream hands on, counted as they pass, and the first `keep` of them (for the
 * usage check). A listener beside the consumer's, not a stream between the two (issue 21: a Transform
 * per call, with its buffers and its extra turn per chunk, was a share of the call's cost).
 */
export class ByteCount {
  bytes = 0;
  private readonly kept: Buffer[] = [];
  private keptBytes = 0;

  /**
   * Counts what `stream` emits from now on. The stream is paused so that counting does not start it:
   * its consumer's `pipe` does, and both see every chunk.
   */
  constructor(stream: Readable, private readonly keep = 0) {
    stream.pause();
    stream.on("data", (chunk: Buffer) => {
      this.bytes += chunk.length;
      if (this.keptBytes < this.keep) {
        this.kept.push(chunk);
        this.keptBytes += chunk.length;
      }
    });
  }

  /** the first bytes passed, or null when the whole stream was longer than `keep` */
  head(): Buffer | null {
    return this.bytes <= this.keep ? Buffer.concat(this.kept) : null;
  }
}

/** A byte limit on a piped request body. */
class LimitStream extends Transform {
  bytes = 0;
  over = false;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      this.over = true;
      return done(new Error("request body too large"));
    }
    done(null, chunk);
  }
}

/** Answers the usage check needs are kept up to this size (larger ones are not checked). */
export const USAGE_CHECK_BYTES = 1_048_576;

export class UpstreamProxy {
  private readonly agent: HttpAgent;
  private readonly basePath: string;

  constructor(
    private readonly base: URL,
    private readonly timeoutMs: number,
  ) {
    const opts = { keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: "lifo" as const };
    this.agent = base.protocol === "https:" ? new HttpsAgent(opts) : new HttpAgent(opts);
    this.basePath = base.pathname.replace(/\/+$/, "");
  }

  /**
   * Sends the call upstream and resolves once the answer's head has come (or the call failed).
   * @param keep bytes of the answer kept for inspection (`ByteCount.head`)
   */
  forward(call: ProxyCall, keep = 0): Promise<ProxyResult> {
    const headers = endToEnd(call.headers, call.drop, isForwardingOrHost);
    headers["x-forwarded-for"] = call.remoteAddress;
    if (Buffer.isBuffer(call.body)) {
      headers["content-length"] = String(call.body.length);
    }
    const send = this.base.protocol === "https:" ? httpsRequest : httpRequest;
    const path = `${this.basePath}${call.subPath}${call.query ? `?${call.query}` : ""}`;
    return new Promise<ProxyResult>((resolve) => {
      let settled = false;
      let limit: LimitStream | undefined;
      const finish = (r: ProxyResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(r);
      };
      const bytesIn = () => (Buffer.isBuffer(call.body) ? call.body.length : limit?.bytes ?? 0);
      const req = send({ protocol: this.base.protocol, hostname: this.base.hostname, port: this.base.port, method: call.method, path, headers, agent: this.agent });
      const timer = setTimeout(() => {
        finish({ ok: false, failure: "upstream-timeout", bytesIn: bytesIn() });
        req.destroy();
      }, this.timeoutMs);
      req.on("error", () => finish({ ok: false, failure: limit?.over ? "too-large" : "upstream-down", bytesIn: bytesIn() }));
      req.once("response", (res: IncomingMessage) => {
        if (settled) return void res.destroy();
        const counted = new ByteCount(res, keep);
        // an answer that stalls for the timeout mid-stream is cut, as one that never starts is
        res.setTimeout(this.timeoutMs, () => res.destroy(new Error("upstream stalled")));
        finish({ ok: true, status: res.statusCode ?? 502, headers: endToEnd(res.headers), body: res, counted });
      });
      if (Buffer.isBuffer(call.body)) {
        req.end(call.body);
      } else {
        limit = new LimitStream(call.maxBodyBytes);
        const source = call.body;
        limit.on("error", (e) => req.destroy(e));
        // a caller that goes away mid-body must not leave the upstream waiting for the rest
        source.on("error", () => req.destroy());
        source.once("close", () => {
          if (!source.readableEnded) req.destroy();
        });
        source.pipe(limit).pipe(req);
      }
    });
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.agent.destroy();
  }
}
