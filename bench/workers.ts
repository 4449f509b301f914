/**
 * The workers case (issue 20, "Every core"): fresh purchases (newInstance) against `koogate serve
 * --workers N` on PostgreSQL, with 1 and with 2 workers, each on a database of its own. It runs koogate
 * as a merchant runs it: a project folder whose koogate.config.json names the products and the
 * benchmark adapter's module, started with the real executable. Without PostgreSQL (no initdb/pg_ctl
 * for scripts/pg-test-server.sh) the case is skipped with the reason.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { processEnvironment } from "../core/settings/environment.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "dist/bin/koogate.js");
const ADAPTER = join(ROOT, "dist/bench/bench-adapter.js");

export interface Cluster {
  url: string;
  stop(): void;
}

/** A throwaway PostgreSQL cluster (scripts/pg-test-server.sh), or the reason there is none. */
export function startPostgres(): Cluster | string {
  let out: string;
  try {
    out = execFileSync(join(ROOT, "scripts/pg-test-server.sh"), ["start"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    return `scripts/pg-test-server.sh could not start PostgreSQL (${String((e as { stderr?: string }).stderr ?? (e as Error).message).trim().split("\n").at(-1)})`;
  }
  const url = /KOOGATE_TEST_DATABASE_URL=['"]?([^'"\s]+)/.exec(out)?.[1];
  const dir = /KOOGATE_PG_DIR=['"]?([^'"\s]+)/.exec(out)?.[1];
  if (!url || !dir) return `scripts/pg-test-server.sh said nothing usable: ${out.trim()}`;
  return { url, stop: () => void execFileSync(join(ROOT, "scripts/pg-test-server.sh"), ["stop", dir], { stdio: "ignore" }) };
}

export interface Served {
  child: ChildProcess;
  port: number;
}

/** `koogate serve --workers <n>` in a project folder of its own under `dir`; resolves once every worker listens. */
export async function serveWorkers(dir: string, products: string, databaseUrl: string, workers: number, env: Record<string, string>): Promise<Served> {
  const project = join(dir, `project-${workers}w`);
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, "koogate.config.json"), JSON.stringify({ products, adapters: [ADAPTER], database: databaseUrl }));
  const child = spawn(process.execPath, [BIN, "serve", "--workers", String(workers)], {
    cwd: project,
    env: { ...processEnvironment(), ...env, PORT: "0", KOOGATE_LOG_LEVEL: "info", KOOGATE_LOG_FORMAT: "json" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = "";
    let listening = 0;
    child.stderr!.on("data", (d: Buffer) => {
      buf += d.toString();
      for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.includes('"koogate listening"') && ++listening === workers) resolve((JSON.parse(line) as { port: number }).port);
      }
    });
    child.once("exit", (code) => reject(new Error(`koogate serve --workers ${workers} exited with ${code} before listening`)));
  });
  return { child, port };
}
