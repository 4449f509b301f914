/**
 * One HTTP exchange as the marketplace makes it: a prepared request (method, URL with its signed query,
 * headers, exact body bytes) and the reply kept as exact bytes, so that the Body-Sign check runs on
 * what was received and not on a re-serialisation.
 */

/** A request ready to send, byte for byte. Sending the same object twice is a replay. */
export interface WireRequest {
  method: string;
  /** the full URL, query (signature, timestamp, nonce …) included */
  url: string;
  headers: Readonly<Record<string, string>>;
  /** the exact body bytes; absent for GET */
  body?: Buffer;
  /** the keys the answer's Body-Sign may be made with, the server's current key first */
  replyKeys: readonly string[];
}

export interface WireReply {
  /** HTTP status; 0 when no answer came */
  status: number;
  /** the exact body bytes received */
  bytes: Buffer;
  /** the `Body-Sign` header, or null */
  bodySign: string | null;
  latencyMs: number;
  /** why there was no answer (refused connection, timeout) */
  error?: string;
}

/** Sends `req` and waits at most `timeoutMs` for the whole answer. Never throws. */
export async function deliver(req: WireRequest, timeoutMs: number): Promise<WireReply> {
  const t0 = performance.now();
  try {
    const res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body ? Uint8Array.from(req.body) : undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    return { status: res.status, bytes, bodySign: res.headers.get("body-sign"), latencyMs: performance.now() - t0 };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const why =
      err.name === "TimeoutError"
        ? `no answer within ${timeoutMs} ms (KooGallery gives up after 5 s, docs/marketplace/saas.md §1)`
        : err.cause?.code === "ECONNREFUSED"
          ? `connection refused at ${new URL(req.url).host}: is the server running (npm start)?`
          : (err.cause?.message ?? err.message);
    return { status: 0, bytes: Buffer.alloc(0), bodySign: null, latencyMs: performance.now() - t0, error: why };
  }
}

/** A copy of `req` whose body has one byte changed (inside a JSON string value, so it stays JSON). */
export function tamperOneByte(req: WireRequest): WireRequest {
  if (!req.body) throw new Error("only a request with a body can be tampered with");
  const body = Buffer.from(req.body);
  const text = body.toString("latin1");
  // the last letter or digit inside the last string value: `..."CS123ABC"}` → `..."CS123ABD"}`
  const m = /[A-Za-z0-9](?="[^"]*$)/.exec(text);
  const i = m ? m.index : body.length - 2;
  body[i] = body[i]! ^ 0x01; // '0'↔'1', 'A'↔'@': still a JSON string
  return { ...req, body };
}
