import type { IncomingMessage } from "node:http";
import { MARKETPLACE_CALL_TIMEOUT_MS } from "../settings/timings.js";
import type { RawBody } from "./http.js";

export type { RawBody };

/**
 * How long a body may take to arrive once its headers are in. KooGallery gives a call 5 s in all
 * (docs/marketplace/saas.md §1): a body still arriving after that can no longer be answered in time, and a body sent a
 * byte at a time (slowloris) must not hold a connection for longer. koogate's own server also stops
 * whole requests at `KOOGATE_REQUEST_TIMEOUT_MS` (server/http-server.ts); this bound holds the line in
 * any other server the app is mounted in.
 */
export const BODY_TIMEOUT_MS = MARKETPLACE_CALL_TIMEOUT_MS;

/** The body did not arrive within its time; the connection was closed. */
export class BodyTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`request body not received within ${timeoutMs} ms: connection closed`);
    this.name = "BodyTimeoutError";
  }
}

/**
 * Reads the exact request bytes, up to `limit`. Nothing is decoded or parsed here: the signature is
 * checked over these bytes (docs/marketplace/saas.md §2.1), so they must reach the verifier untouched.
 *
 * A body over the limit (declared, or grown past it) is not read any further: the answer goes out at
 * once, and koogate's HTTP server closes a connection whose request was answered before it fully
 * arrived (server/http-server.ts) instead of draining the rest, however long it is.
 * @throws BodyTimeoutError when the body takes longer than `timeoutMs`; the connection is closed
 */
export async function readRawBody(req: IncomingMessage, limit: number, timeoutMs = BODY_TIMEOUT_MS): Promise<RawBody> {
  const refused: RawBody = { bytes: Buffer.alloc(0), oversize: true };
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return refused;
  return new Promise<RawBody>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (outcome: () => void) => {
      clearTimeout(timer);
      req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
      outcome();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.pause();
      settle(() => resolve(refused));
    };
    const onEnd = () => settle(() => resolve({ bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size), oversize: false }));
    const onError = (err: Error) => settle(() => reject(err));
    // the caller went away mid-body (Node also emits an "aborted" error; whichever comes first)
    const onClose = () => settle(() => reject(new Error("aborted: the connection closed before the body ended")));
    const timer = setTimeout(() => {
      settle(() => reject(new BodyTimeoutError(timeoutMs)));
      // destroys the socket too, the body being incomplete; no error given: nobody listens for one now
      req.destroy();
    }, timeoutMs);
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}
