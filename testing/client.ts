/**
 * Sends a request to a koogate server as KooGallery does: POST /produce/<product>?signature=…&timestamp=…&nonce=…,
 * signed with the server's own signing module, and reads the answer with its Body-Sign checked.
 */
import { signBasicRequest } from "../core/signing/basic.js";
import { verifyBodySign } from "../core/signing/body-sign.js";
import { refusalOf, type SignatureProblem } from "../core/signing/signature-error.js";

export const TEST_KEY = "test-basic-key-0123456789";
export const TEST_KIT_KEY = "test-kit-key-0123456789";

export interface Reply {
  status: number;
  text: string;
  json: Record<string, unknown>;
  bodySign: string | null;
  /**
   * null when Body-Sign verifies over the exact bytes received; else why not, as the signing modules
   * say it: `missing-signature`, `malformed` or `bad-signature`
   */
  bodySignProblem: SignatureProblem | null;
}

export interface SendOptions {
  /** the product id the call is for (its production URL is /produce/<product>) */
  product: string;
  /** the signing key; default TEST_KEY */
  key?: string;
  /** the whole query string, instead of a fresh signature */
  query?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** POSTs `body` to `<baseUrl>/produce/<product>`, signed with a fresh nonce unless `query` is given. */
export async function sendSigned(baseUrl: string, body: string | object, o: SendOptions): Promise<Reply> {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const key = o.key ?? TEST_KEY;
  const query = o.query ?? signBasicRequest({ accessKey: key, body: text }).query;
  const res = await fetch(`${baseUrl}/produce/${o.product}?${query}`, {
    method: "POST",
    body: text,
    headers: { "content-type": "application/json;charset=utf8", ...o.headers },
    signal: o.signal,
  });
  return readReply(res, [key]);
}

/** Reads an answer: its text, its JSON when it is JSON, and whether its Body-Sign verifies with `keys`. */
export async function readReply(res: Response, keys: string[]): Promise<Reply> {
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // left empty: the test asserts on text
  }
  const bodySign = res.headers.get("body-sign");
  return { status: res.status, text, json, bodySign, bodySignProblem: refusalOf(() => verifyBodySign(bodySign, text, keys))?.reason ?? null };
}
