/**
 * Runs koogate as a real operating-system process (`node dist/server/main.js`), the way `npm start`
 * does, so that tests can run two of them on one database, kill one with SIGKILL, or stop one with SIGTERM.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { DEFAULT_TEST_PRODUCT, sendSigned, TEST_KEY, TEST_KIT_KEY, type Reply, type SendOptions } from "./client.js";
import { writeProducts } from "./server.js";
import { childBasics } from "./environment.js";

/** the compiled server entry point, beside this compiled file's tree */
export const MAIN_JS = fileURLToPath(new URL("../../server/main.js", import.meta.url));

/** the compiled `koogate` executable */
export const BIN_JS = fileURLToPath(new URL("../../bin/koogate.js", import.meta.url));

/** What a finished `koogate` command did. */
export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `koogate <args>` with only the given environment (plus PATH); resolves when it exits. */
export function runKoogate(args: string[], env: Record<string, string>): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN_JS, ...args], { env: { PATH: childBasics().PATH, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

export interface ServerProcessOptions {
  databaseUrl: string;
  /** a products folder (default: one "test-saas" product with the demo adapter) */
  productsDir?: string;
  /** added to the child's environment (e.g. DEMO_SAAS_PROVISION_DELAY_MS) */
  env?: Record<string, string>;
  /** options of `koogate serve` (e.g. --workers 2) */
  args?: string[];
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  port: number;
  /** every line the process wrote to stderr (koogate's JSON log lines) */
  lines: string[];
  /** resolves with the exit code (or the signal's name) when the process ends */
  exited: Promise<number | string>;
  send(body: string | object, opts?: SendOptions): Promise<Reply>;
  /** SIGKILL, and wait for the end */
  kill(): Promise<void>;
}

/** Starts `node dist/server/main.js` on a free loopback port; resolves once it listens. */
export async function startServerProcess(opts: ServerProcessOptions): Promise<ServerProcess> {
  const child = spawn(process.execPath, [MAIN_JS, ...(opts.args ?? [])], {
    env: {
      PATH: childBasics().PATH,
      PORT: "0",
      KOOGATE_DATABASE_URL: opts.databaseUrl,
      KOOGATE_PRODUCTS: opts.productsDir ?? writeProducts(),
      KOOGATE_LOG_LEVEL: "info",
      TEST_BASIC_KEY: TEST_KEY,
      TEST_KIT_KEY,
      ...opts.env,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const lines: string[] = [];
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? -1)));
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = "";
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        lines.push(line);
        if (line.includes('"koogate listening"')) resolve((JSON.parse(line) as { port: number }).port);
      }
    });
    void exited.then((code) => reject(new Error(`koogate exited (${code}) before listening:\n${lines.join("\n")}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    child,
    url,
    port,
    lines,
    exited,
    send: (body, o) => sendSigned(url, body, { product: DEFAULT_TEST_PRODUCT, ...o }),
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}

/** Resolves with the error code of a new TCP connection to `port` on loopback (ECONNREFUSED: nothing listens), or "connected". */
export function connectTo(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}
