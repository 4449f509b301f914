/**
 * The `multipart/form-data` body of the string / file upload (docs/marketplace/license.md §3.7): a JSON
 * part named `isvUpdateFileReq` and, for a file, a part named `file`. Built as exact bytes, because the
 * AK/SK signature covers them (UNCONFIRMED, §3.7: hash of the exact multipart bytes is the reading
 * taken, not `UNSIGNED-PAYLOAD`).
 */
import { randomBytes } from "node:crypto";

export interface MultipartPart {
  name: string;
  /** for a file part */
  filename?: string;
  contentType: string;
  content: Buffer;
}

export interface MultipartBody {
  /** the `Content-Type` header value, boundary included */
  contentType: string;
  bytes: Buffer;
}

/** Quotes a part's name or file name; a quote or line break in it would break the part's header. */
function quoted(value: string): string {
  return `"${value.replace(/["\r\n\\]/g, (c) => encodeURIComponent(c))}"`;
}

export function buildMultipart(parts: readonly MultipartPart[], boundary = `koogate-${randomBytes(12).toString("hex")}`): MultipartBody {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name=${quoted(p.name)}` + (p.filename === undefined ? "" : `; filename=${quoted(p.filename)}`);
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\nContent-Type: ${p.contentType}\r\n\r\n`), p.content, Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, bytes: Buffer.concat(chunks) };
}
