import type { IncomingMessage } from "node:http";

export interface RawBody {
  bytes: Buffer;
  /** the body was larger than `limit`: `bytes` is empty and the rest was not read */
  oversize: boolean;
}

/**
 * Reads the exact request bytes, up to `limit`. Nothing is decoded or parsed here: the signature is
 * checked over these bytes (docs/marketplace/saas.md §2.1), so they must reach the verifier untouched.
 */
export async function readRawBody(req: IncomingMessage, limit: number): Promise<RawBody> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return { bytes: Buffer.alloc(0), oversize: true };
  const chunks: Buffer[] = [];
  let size = 0;
  // Past the limit, keep draining without storing, so that the connection can still carry the answer.
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  if (size > limit) return { bytes: Buffer.alloc(0), oversize: true };
  return { bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size), oversize: false };
}
