/**
 * Which address a request comes from: the socket's peer, unless that peer is one of the operator's
 * own proxies (`KOOGATE_TRUSTED_PROXIES`), in which case the rightmost `X-Forwarded-For` hop that is
 * not a trusted proxy — what nginx's `real_ip_recursive on` and Express's `trust proxy` do. A hop
 * added by the caller itself is left of every hop a trusted proxy added, so a caller cannot choose
 * the address it is counted under (issue 24, findings 2 and 3). Any kind may use it: the licence
 * relay keys its per-address limit on it.
 */
import { BlockList, isIP } from "node:net";
import { SetupError } from "../errors.js";

/** Hops of X-Forwarded-For looked at, from the right: a longer chain is not one of our proxies. */
const MAX_HOPS = 16;

/** The trusted proxies, parsed once. */
export interface TrustedProxies {
  /** true when `address` (a socket peer or a hop) is one of them */
  trusts(address: string): boolean;
  /** the entries as written, for a person reading the configuration back */
  readonly text: readonly string[];
}

/** No proxy trusted: every address is the socket's. */
export const NO_TRUSTED_PROXIES: TrustedProxies = { trusts: () => false, text: [] };

/**
 * Parses `KOOGATE_TRUSTED_PROXIES`: addresses and CIDR blocks, IPv4 or IPv6, separated by commas or
 * spaces (`127.0.0.1, 10.0.0.0/8, ::1`). Matching is Node's `net.BlockList`, which also matches an
 * IPv4-mapped IPv6 peer (`::ffff:10.0.0.1`) against an IPv4 block.
 * @throws SetupError naming the entry that is neither an address nor a CIDR block
 */
export function parseTrustedProxies(text: string | undefined, variable = "KOOGATE_TRUSTED_PROXIES"): TrustedProxies {
  const entries = (text ?? "").split(/[\s,]+/).filter((e) => e !== "");
  if (entries.length === 0) return NO_TRUSTED_PROXIES;
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits, extra] = entry.split("/");
    const family = isIP(address ?? "");
    const max = family === 4 ? 32 : 128;
    const prefix = bits === undefined ? max : Number(bits);
    if (family === 0 || extra !== undefined || !/^\d{1,3}$/.test(bits ?? String(max)) || prefix > max) {
      throw new SetupError(`${variable}: "${entry}" is neither an IP address nor a CIDR block (e.g. 10.0.0.0/8, fd00::/8)`);
    }
    list.addSubnet(address!, prefix, family === 4 ? "ipv4" : "ipv6");
  }
  return { trusts: (a) => checks(list, a), text: entries };
}

function checks(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 4 ? "ipv4" : "ipv6");
}

/**
 * The client's address of one request.
 * @param peer the socket's remote address
 * @param forwardedFor the `X-Forwarded-For` header as received (repeated headers joined by ", ")
 */
export function clientAddress(peer: string, forwardedFor: string | undefined, trusted: TrustedProxies): string {
  const socket = unmapped(peer);
  if (!forwardedFor || !trusted.trusts(socket)) return socket;
  const hops = forwardedFor.split(",").slice(-MAX_HOPS);
  let client = socket;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = unmapped(hops[i]!.trim());
    // a hop that is not an address was not written by a proxy we know: the last trusted hop is as far as we can see
    if (isIP(hop) === 0) return client;
    client = hop;
    if (!trusted.trusts(hop)) return client;
  }
  return client;
}

/** `::ffff:10.0.0.1` → `10.0.0.1`: one client, one key, whichever socket family it came over. */
function unmapped(address: string): string {
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address;
}
