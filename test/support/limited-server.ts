/**
 * A koogate server with chosen connection limits (`KOOGATE_MAX_CONNECTIONS`, `…_REQUEST_TIMEOUT_MS`,
 * `…_IDLE_TIMEOUT_MS`), for the tests of server/http-server.ts, and a raw TCP client that shows what
 * the server did with a connection: what it answered, and when it closed it.
 */
import net from "node:net";
import { readSettings, withServer, type Config } from "../../core/settings/index.js";
import { createLogger } from "../../core/logger.js";
import { DemoSaasAdapter } from "../../adapters/demo-saas.js";
import { createKoogate, type Koogate } from "../../server/composition.js";
import { TEST_KEY, TEST_KIT_KEY } from "./client.js";
import { freshDatabaseUrl } from "./database.js";
import { writeProducts } from "./server.js";

export type Limits = Partial<Pick<Config, "maxConnections" | "maxConnectionsPerAddress" | "requestTimeoutMs" | "idleTimeoutMs" | "maxBodyBytes">>;

export interface LimitedServer {
  url: string;
  port: number;
  koogate: Koogate;
  /** log lines written (all levels) */
  lines: string[];
  close(): Promise<void>;
}

/** Starts koogate (product "test-saas", a fresh database) on a loopback port with `limits`. */
export async function startLimitedServer(limits: Limits): Promise<LimitedServer> {
  const lines: string[] = [];
  const logger = createLogger({ level: "debug", write: (l) => lines.push(l) });
  const koogate = await createKoogate({ settings: withServer(readSettings({ TEST_BASIC_KEY: TEST_KEY, TEST_KIT_KEY }), { ...limits, productsDir: writeProducts(), databaseUrl: await freshDatabaseUrl(), port: 0 }), logger, adapters: [DemoSaasAdapter] });
  const address = (await koogate.listen(0, "127.0.0.1")).address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, port, koogate, lines, close: () => koogate.close() };
}

export interface RawConnection {
  socket: net.Socket;
  /** everything received so far, as latin1 text */
  received(): string;
  /** resolves once the socket is closed, with the ms since it was opened */
  closed: Promise<number>;
}

/**
 * Opens a TCP connection to `port` on loopback; resolves once connected.
 * @param from the local address to connect from (another loopback address, e.g. 127.0.0.2, is another caller)
 */
export function rawConnection(port: number, from?: string): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const socket = net.connect({ port, host: "127.0.0.1", localAddress: from });
    let text = "";
    socket.on("data", (d: Buffer) => (text += d.toString("latin1")));
    // a reset is one way for the server to close: what matters to these tests is when
    socket.on("error", () => undefined);
    const closed = new Promise<number>((r) => socket.once("close", () => r(performance.now() - t0)));
    socket.once("connect", () => resolve({ socket, received: () => text, closed }));
    socket.once("error", reject);
  });
}

/** The promise's value, or "open" when it has not settled within `ms`. */
export function within<T>(p: Promise<T>, ms: number): Promise<T | "open"> {
  return Promise.race([p, new Promise<"open">((r) => setTimeout(() => r("open"), ms).unref())]);
}
