/**
 * An API listing's own part of a product definition (its schema is in ./schema.ts): how the gateway's
 * calls are authenticated, how they are answered (an upstream service or an adapter), and the call log
 * and per-buyer limit settings.
 */
import { SetupError } from "../../errors.js";
import type { BaseDefinition, ProductBase } from "../../products/definition.js";
import { devKey } from "../../products/loader.js";
import type { LoadContext } from "../kind.js";
import type { ApiAuthScheme, ApiBilling } from "./vocabulary.js";

/** An API definition as written in `products/<id>.yaml`. */
export interface ApiDefinition extends BaseDefinition {
  kind: "api";
  auth: ApiAuthScheme;
  gatewayKeys: Array<{ key?: string; secret: string }>;
  header?: string;
  upstream?: string;
  upstreamTimeoutMs?: number;
  maxBodyBytes?: number;
  billing?: ApiBilling;
  rateLimit?: { requests: number; perSeconds?: number };
  callLog?: { retentionDays?: number; maxRows?: number };
}

/** One credential of the gateway, resolved: `key` is the AK (absent for constant-header). Never logged. */
export interface GatewayKey {
  key?: string;
  secret: string;
}

/** An API listing after loading. */
export interface ApiProduct extends ProductBase {
  kind: "api";
  auth: ApiAuthScheme;
  /** active credentials, the first-listed first; never logged */
  gatewayKeys: readonly GatewayKey[];
  /** which credential variables were set (for `koogate check`; values never exposed) */
  gatewayKeyVariables: ReadonlyArray<{ name: string; set: boolean }>;
  /** constant-header: the lower-case header name */
  header?: string;
  /** the upstream base URL, or undefined when an adapter answers */
  upstream?: URL;
  upstreamTimeoutMs: number;
  maxBodyBytes: number;
  billing: ApiBilling;
  rateLimit?: { requests: number; perSeconds: number };
  callLog: { retentionDays: number; maxRows: number };
}

export const API_DEFAULTS = { upstreamTimeoutMs: 30_000, maxBodyBytes: 1_048_576, perSeconds: 60, retentionDays: 30, maxRows: 1_000_000 } as const;

/** @throws SetupError naming the file, the path and the fix */
export function loadApiProduct(def: ApiDefinition, base: ProductBase, ctx: LoadContext): ApiProduct {
  const file = base.file;
  if ((def.upstream === undefined) === (def.adapter === undefined)) {
    throw new SetupError("an api listing is answered either by an upstream service or by an adapter; give exactly one of upstream: and adapter:", file, "/upstream");
  }
  if (def.auth === "constant-header" && def.header === undefined) {
    throw new SetupError("auth: constant-header needs header: <the header name configured in the gateway>", file, "/header");
  }
  if (def.auth !== "constant-header" && def.header !== undefined) {
    throw new SetupError(`header: is for auth: constant-header; ${def.auth} reads the Authorization header`, file, "/header");
  }
  if (def.billing === "tokens" && def.auth !== "agents-jwt") {
    throw new SetupError("billing: tokens is for Agents-gateway listings (auth: agents-jwt, docs/marketplace/api-image-openapi.md §6.4)", file, "/billing");
  }
  const resolved = resolveGatewayKeys(def, base, ctx);
  return {
    ...base,
    kind: "api",
    auth: def.auth,
    ...resolved,
    header: def.header?.toLowerCase(),
    upstream: def.upstream === undefined ? undefined : upstreamUrl(def.upstream, file),
    upstreamTimeoutMs: def.upstreamTimeoutMs ?? API_DEFAULTS.upstreamTimeoutMs,
    maxBodyBytes: def.maxBodyBytes ?? API_DEFAULTS.maxBodyBytes,
    billing: def.billing ?? "calls",
    rateLimit: def.rateLimit ? { requests: def.rateLimit.requests, perSeconds: def.rateLimit.perSeconds ?? API_DEFAULTS.perSeconds } : undefined,
    callLog: { retentionDays: def.callLog?.retentionDays ?? API_DEFAULTS.retentionDays, maxRows: def.callLog?.maxRows ?? API_DEFAULTS.maxRows },
  };
}

function upstreamUrl(text: string, file: string): URL {
  try {
    const u = new URL(text);
    if (u.search || u.hash) throw new Error("query");
    return u;
  } catch {
    throw new SetupError(`upstream must be an http:// or https:// base URL without query or fragment, not ${JSON.stringify(text)}`, file, "/upstream");
  }
}

/**
 * Every listed credential read from the environment, as the loader does for `keys`: the first pair is
 * required (in production; outside it a public development value stands in, loudly), later pairs are
 * optional rotation keys.
 */
function resolveGatewayKeys(def: ApiDefinition, base: ProductBase, ctx: LoadContext): Pick<ApiProduct, "gatewayKeys" | "gatewayKeyVariables"> {
  const needsKey = def.auth !== "constant-header";
  const gatewayKeys: GatewayKey[] = [];
  const gatewayKeyVariables: Array<{ name: string; set: boolean }> = [];
  def.gatewayKeys.forEach((pair, i) => {
    if (needsKey !== (pair.key !== undefined)) {
      throw new SetupError(needsKey ? `${def.auth} needs key: and secret: in every pair` : "constant-header takes only secret:", base.file, `/gatewayKeys/${i}`);
    }
    const names = [pair.key, pair.secret].filter((n): n is string => n !== undefined);
    const values = names.map((name) => {
      gatewayKeyVariables.push({ name, set: !!ctx.env[name] });
      return ctx.env[name];
    });
    if (values.every((v) => v)) return void gatewayKeys.push(needsKey ? { key: values[0]!, secret: values[1]! } : { secret: values[0]! });
    if (i > 0) return; // a rotation pair is optional
    const unset = names.filter((n) => !ctx.env[n]);
    if (ctx.production) throw new SetupError(`key variable ${unset.join(" and ")} not set; export it (NODE_ENV=production refuses dev keys)`, base.file, `/gatewayKeys/0`);
    ctx.logger.warn(`!!! ${unset.join(", ")} not set: product ${base.id} uses a public development key. Never do this in production.`, { product: base.id });
    const dev = names.map((n) => ctx.env[n] || devKey(n));
    gatewayKeys.push(needsKey ? { key: dev[0]!, secret: dev[1]! } : { secret: dev[0]! });
  });
  return { gatewayKeys, gatewayKeyVariables };
}
