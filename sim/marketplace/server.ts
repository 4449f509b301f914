/**
 * `startLocalMarketplace`: KooGallery's open APIs on this machine, for tests, scenarios and
 * `koogate marketplace`. It listens on 127.0.0.1 only: it accepts a development key pair and holds
 * test data, so it must not be reachable from elsewhere.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createLocalMarketplaceApp } from "./app.js";
import { LocalMarketplaceState, type Fault } from "./state.js";

export interface LocalMarketplaceOptions {
  /** default 0: any free port */
  port?: number;
  /** the access key callers sign with */
  ak: string;
  /** its secret */
  sk: string;
  faults?: {
    /** answer every call with this fault; default none */
    always?: Fault;
    /** answer the next `count` calls with `fault` */
    next?: { fault: Fault; count: number };
  };
  /** how long a "timeout" fault holds the answer; default 30 000 ms (or until close) */
  hangMs?: number;
  /** the marketplace's clock in ms, for signing-window tests; default Date.now */
  now?: () => number;
}

export interface LocalMarketplace {
  /** `http://127.0.0.1:<port>`: the base URL for KOOGATE_MARKETPLACE_URL */
  url: string;
  state: LocalMarketplaceState;
  /** stops listening and drops open connections (held answers included) */
  close(): Promise<void>;
}

export async function startLocalMarketplace(opts: LocalMarketplaceOptions): Promise<LocalMarketplace> {
  const state = new LocalMarketplaceState(opts.faults?.always);
  if (opts.faults?.next) state.failNext(opts.faults.next.count, opts.faults.next.fault);
  let release!: () => void;
  const closed = new Promise<void>((resolve) => (release = resolve));
  const app = createLocalMarketplaceApp({ state, ak: opts.ak, sk: opts.sk, now: opts.now ?? Date.now, hangMs: opts.hangMs ?? 30_000, closed });
  const http = createServer(app.callback());
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(opts.port ?? 0, "127.0.0.1", resolve);
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    close: async () => {
      release();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
