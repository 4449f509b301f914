/**
 * What a merchant implements to answer an API listing's calls in code instead of forwarding them to
 * an upstream service (`adapter: <Class>` in the definition). The call has been authenticated as the
 * gateway's before `handle` runs.
 */
import type { BuyerIdentity } from "./gateway-auth.js";

export type { BuyerIdentity };

/** One authenticated call, as the adapter sees it. */
export interface ApiRequest {
  /** the listing's id */
  productId: string;
  /** upper-case, as sent */
  method: string;
  /** the sub-path after `/api/<productId>`, starting with `/` ("/" when none), in its normal form (./target.ts) */
  path: string;
  /** the query, parsed (its canonical form: sorted by name, then value) */
  query: URLSearchParams;
  /** request headers by lower-case name; repeated ones joined by ", " */
  headers: Readonly<Record<string, string>>;
  /** the exact body bytes */
  body: Buffer;
  /** who is calling, from the gateway's headers its authentication covers (docs/marketplace/api-image-openapi.md §6.4); `headers` has them as sent */
  buyer: BuyerIdentity;
  /** aborted when the caller goes away: stop streaming then */
  signal: AbortSignal;
}

/** The adapter's answer. */
export interface ApiReply {
  /** default 200 */
  status?: number;
  /** answer headers; Content-Type defaults to JSON for an object body, else application/octet-stream */
  headers?: Readonly<Record<string, string>>;
  /**
   * the body: bytes or text as they are, a plain object as JSON, or an async iterable whose chunks are
   * sent as they come (Server-Sent Events, a streamed LLM answer); default none
   */
  body?: Buffer | string | object | AsyncIterable<Buffer | string>;
}

export interface ApiAdapter {
  /** answers one call; a throw is answered 500 without detail and logged */
  handle(req: ApiRequest): Promise<ApiReply>;
}
