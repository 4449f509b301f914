/**
 * Issue 21 (RSS): a process serving koogate fixes V8's heap growing factor at
 * 1 + KOOGATE_HEAP_GROWTH_PERCENT / 100 (server/heap-growth.ts) instead of letting V8 pick up to 4.
 *
 * Read from V8 itself: `--trace-gc-verbose` prints, at the end of every full collection, the next limit
 * and the factor it came from ("[HeapController] Limit: old size: … KB, new limit: … KB (1.2)", Node 20).
 * The server runs as `npm start` runs it (dist/server/main.js), with a preload that makes SIGUSR2 force a
 * full collection, so that collections happen after it listens, whatever it allocates.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { freshDatabaseUrl } from "../support/database.js";
import { MAIN_JS } from "../support/process.js";
import { TEST_KEY, TEST_KIT_KEY, writeProducts } from "../support/server.js";
import { childBasics } from "../support/environment.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The heap growing factors V8 used for its full collections once koogate listened, with `env` set. */
async function factorsAfterListening(env: Record<string, string>): Promise<string[]> {
  const preload = join(mkdtempSync(join(tmpdir(), "koogate-heap-")), "collect.mjs");
  writeFileSync(preload, 'process.on("SIGUSR2", () => globalThis.gc());\n');
  const child = spawn(process.execPath, ["--expose-gc", "--trace-gc-verbose", "--import", preload, MAIN_JS], {
    env: { PATH: childBasics().PATH, PORT: "0", KOOGATE_DATABASE_URL: await freshDatabaseUrl(), KOOGATE_PRODUCTS: writeProducts(), KOOGATE_LOG_LEVEL: "info", TEST_BASIC_KEY: TEST_KEY, TEST_KIT_KEY, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    // V8's trace goes to stdout, koogate's log lines to stderr
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    for (let i = 0; i < 600 && !stderr.includes('"koogate listening"') && child.exitCode === null; i++) await sleep(50);
    expect(stderr, "koogate listens").to.include('"koogate listening"');
    // what V8 printed before it listened has reached us by now; the rest is from collections after
    await sleep(300);
    const fromListening = stdout.length;
    const factors = () => [...stdout.slice(fromListening).matchAll(/\[HeapController\] Limit: old size: \d+ KB, new limit: \d+ KB \(([\d.]+)\)/g)].map((m) => m[1]!);
    // three collections, each asked for once the previous one is printed (a loaded machine is slow to answer)
    for (let i = 0; i < 200 && factors().length < 3; i++) {
      if (i % 20 === 0) child.kill("SIGUSR2");
      await sleep(50);
    }
    return factors();
  } finally {
    // also when it never listened: no server is left running
    child.kill("SIGTERM");
    await exited;
  }
}

describe("The heap of a serving process", function () {
  this.timeout(60_000);

  it("grows by KOOGATE_HEAP_GROWTH_PERCENT past what a full collection kept before the next one", async () => {
    const by20 = await factorsAfterListening({ KOOGATE_HEAP_GROWTH_PERCENT: "20" });
    const by60 = await factorsAfterListening({ KOOGATE_HEAP_GROWTH_PERCENT: "60" });
    expect(by20).to.not.be.empty;
    expect(by60).to.not.be.empty;
    expect(new Set(by20)).to.deep.equal(new Set(["1.2"]));
    expect(new Set(by60)).to.deep.equal(new Set(["1.6"]));
  });
});
