/**
 * Reads a `multipart/form-data` body into its parts, enough for the upload API's two parts
 * (docs/marketplace/license.md §3.7). Works on bytes: a file part stays exactly as sent.
 */

export interface ReceivedPart {
  name: string;
  filename?: string;
  content: Buffer;
}

/** The parts of `body`, or null when the content type has no boundary or the body is not multipart. */
export function parseMultipart(contentType: string | undefined, body: Buffer): ReceivedPart[] | null {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? "");
  if (!m || !/^multipart\/form-data/i.test(contentType ?? "")) return null;
  const delimiter = Buffer.from(`--${m[1] ?? m[2]}`);
  const parts: ReceivedPart[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) return null;
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString() === "--") return parts;
    const headerEnd = body.indexOf("\r\n\r\n", at);
    const next = body.indexOf(delimiter, headerEnd);
    if (headerEnd < 0 || next < 0) return null;
    const headers = body.subarray(at, headerEnd).toString("utf8");
    const name = /[; ]name="([^"]*)"/.exec(headers)?.[1];
    if (name === undefined) return null;
    const filename = /filename="([^"]*)"/.exec(headers)?.[1];
    // the part's content ends before the CRLF that precedes the next delimiter
    parts.push({ name, ...(filename === undefined ? {} : { filename: decodeURIComponent(filename) }), content: body.subarray(headerEnd + 4, next - 2) });
    at = next;
  }
}
