/**
 * Issue 20, "Stop cleanly, however started": npm runs a script under `sh -c`, and dash (/bin/sh on
 * Debian and Ubuntu) does not exec the script's command, so a SIGTERM npm forwards to its shell used
 * to kill the shell and leave koogate serving, an orphan. `npm start` now execs node; `npx koogate
 * serve`, whose command line nobody controls, is covered by koogate watching its parent.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { freshDatabaseUrl } from "../support/database.js";
import { BIN_JS, connectTo } from "../support/process.js";
import { TEST_KEY, TEST_KIT_KEY, writeProducts } from "../support/server.js";
import { childBasics } from "../support/environment.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const DASH = "/bin/dash";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


/** Starts `command` and resolves with the port of the koogate it starts, once that one listens. */
async function started(child: ChildProcess): Promise<{ port: number; exited: Promise<number | string>; lines: string[] }> {
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? -1)));
  const lines: string[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = "";
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => {
      buffered += chunk;
      for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        lines.push(line);
        if (line.includes('"koogate listening"')) resolve((JSON.parse(line) as { port: number }).port);
      }
    });
    void exited.then((code) => reject(new Error(`exited (${code}) before listening:\n${lines.join("\n")}`)));
  });
  return { port, exited, lines };
}

/** Waits (bounded) until nothing listens on `port`; resolves with the last connection's outcome. */
async function untilRefused(port: number): Promise<string> {
  let outcome = "connected";
  for (let i = 0; i < 150 && outcome === "connected"; i++) {
    outcome = await connectTo(port);
    if (outcome === "connected") await sleep(100);
  }
  return outcome;
}

(existsSync(DASH) ? describe : describe.skip)("SIGTERM to koogate started by npm under dash", function () {
  // npm itself takes seconds to start on a loaded machine
  this.timeout(60_000);
  let env: NodeJS.ProcessEnv;
  let children: ChildProcess[] = [];
  beforeEach(async () => {
    env = {
      ...childBasics(),
      PORT: "0",
      KOOGATE_DATABASE_URL: await freshDatabaseUrl(),
      KOOGATE_PRODUCTS: writeProducts(),
      KOOGATE_LOG_FORMAT: "json",
      TEST_BASIC_KEY: TEST_KEY,
      TEST_KIT_KEY,
    };
    children = [];
  });
  afterEach(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  });

  it("npm start: npm exits 0 and nothing is left listening", async () => {
    // --ignore-scripts skips prestart (the build: the tests run from dist/), not start itself
    const npm = spawn("npm", ["start", "--ignore-scripts", `--script-shell=${DASH}`], { cwd: ROOT, env, stdio: ["ignore", "ignore", "pipe"] });
    children.push(npm);
    const { port, exited, lines } = await started(npm);
    expect(await connectTo(port)).to.equal("connected");
    npm.kill("SIGTERM");
    expect(await exited, `npm's exit status; its output:\n${lines.join("\n")}`).to.equal(0);
    expect(await connectTo(port), "a connection once npm has exited").to.equal("ECONNREFUSED");
  });

  it("npx koogate serve: koogate stops when the shell npm ran it under dies of the SIGTERM", async () => {
    // what npx runs: `sh -c 'koogate serve'`, with npm_lifecycle_event=npx; dash forks and waits
    const sh = spawn(DASH, ["-c", `"${process.execPath}" "${BIN_JS}" serve`], { cwd: ROOT, env: { ...env, npm_lifecycle_event: "npx", npm_command: "exec" }, stdio: ["ignore", "ignore", "pipe"] });
    children.push(sh);
    const { port, exited, lines } = await started(sh);
    sh.kill("SIGTERM");
    expect(await exited, "the shell").to.equal("SIGTERM");
    expect(await untilRefused(port), `a connection once koogate has stopped; its output:\n${lines.join("\n")}`).to.equal("ECONNREFUSED");
  });
});
