/**
 * A loopback "marketplace" that answers every request with a body of `bytes` bytes, streamed from one
 * small buffer (never held whole), declared by Content-Length or chunked. It counts the requests and
 * the bytes it managed to write before the client hung up: what a hostile or broken marketplace costs.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { HookedSaasAdapter, meteredYaml, TEST_GENERAL_KEY } from "./marketplace-setup.js";
import { startServer, type TestServer } from "./server.js";

export interface HostileMarketplace {
  url: string;
  /** requests received */
  requests: number;
  /** body bytes written, all requests together */
  written: number;
  close(): Promise<void>;
}

export async function startHostileMarketplace(o: { bytes: number; chunked?: boolean }): Promise<HostileMarketplace> {
  const piece = Buffer.alloc(64 * 1024, "x");
  const state = { requests: 0, written: 0 };
  const server: Server = createServer((req, res) => {
    state.requests++;
    req.resume();
    res.writeHead(200, o.chunked ? { "Content-Type": "application/json" } : { "Content-Type": "application/json", "Content-Length": String(o.bytes) });
    let left = o.bytes;
    const pump = () => {
      while (left > 0 && !res.destroyed) {
        const n = Math.min(left, piece.length);
        left -= n;
        state.written += n;
        if (!res.write(n === piece.length ? piece : piece.subarray(0, n))) return void res.once("drain", pump);
      }
      if (left === 0) res.end();
    };
    res.on("close", () => (left = 0));
    pump();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    get written() {
      return state.written;
    },
    close: () => new Promise<void>((r) => server.close(() => r()).closeAllConnections()),
  };
}

/** A koogate server (product "test-saas", metered, with order notification) calling `mkt` for its open APIs. */
export function startServerAgainst(mkt: HostileMarketplace): Promise<TestServer> {
  return startServer({
    products: { "test-saas.yaml": meteredYaml("test-saas") },
    adapters: [HookedSaasAdapter],
    env: { TEST_GENERAL_KEY, KOOGATE_MARKETPLACE_URL: mkt.url, KOOGATE_MARKETPLACE_AK: "ak", KOOGATE_MARKETPLACE_SK: "sk" },
  });
}
