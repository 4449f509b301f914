/**
 * The primary process of `koogate serve --workers N` (issue 20, "Every core"): it migrates the database
 * once, forks N workers (node:cluster; each runs `koogate serve` as a whole server, the primary shares
 * the one port between them), restarts a worker that dies, and stops them all on SIGTERM or SIGINT.
 *
 * - A worker that exits before it ever listened failed its start (port taken, a setup problem; it
 *   printed why): the primary stops the others and exits 1 — fail fast, as one process does.
 * - A worker that dies later is restarted after a backoff that doubles from RESTART_BACKOFF_MS with
 *   each death in the last CRASH_WINDOW_MS; after CRASH_LIMIT deaths in that window the primary gives up
 *   loudly and exits 1, so that its own supervisor (systemd, the container platform) sees the failure.
 * - Several processes need PostgreSQL: SQLite takes one writer at a time, and koogate's in-process
 *   batching of writes assumes it is that writer; so more than one worker on SQLite is refused.
 */
import cluster, { type Worker } from "node:cluster";
import type { Config } from "../core/settings/server.js";
import { SetupError } from "../core/errors.js";
import { allMigrations } from "../core/kernel.js";
import { KINDS } from "../core/kinds/index.js";
import type { Logger } from "../core/logger.js";
import { migrateDatabase } from "../core/store/migrate-database.js";
import { withDeadline } from "./stop-signals.js";

export const RESTART_BACKOFF_MS = 500;
export const CRASH_WINDOW_MS = 60_000;
export const CRASH_LIMIT = 5;
/** the longest wait before a restart */
const MAX_BACKOFF_MS = 15_000;

export interface WorkersOptions {
  count: number;
  config: Config;
  logger: Logger;
  /** resolves with the reason when the primary is told to stop (SIGTERM, SIGINT, npm gone: ./stop-signals.ts) */
  stopRequested: Promise<string>;
}

/** Runs the primary until its workers are stopped; resolves to the exit code. */
export async function runWorkers(opts: WorkersOptions): Promise<number> {
  const { count, config, logger } = opts;
  if (!/^postgres(ql)?:\/\//.test(config.databaseUrl)) {
    throw new SetupError(`KOOGATE_WORKERS/--workers ${count} needs PostgreSQL: SQLite takes one writer at a time, so several processes would queue on its lock; set KOOGATE_DATABASE_URL=postgres://… or run one worker`);
  }
  await migrateDatabase(config.databaseUrl, allMigrations(KINDS), logger);
  const log = logger.child({ primary: process.pid });
  log.info("starting workers", { workers: count });

  return new Promise<number>((resolve) => {
    const listened = new WeakSet<Worker>();
    const deaths: number[] = [];
    let stopping = false;
    let exitCode: number = 0;

    const fork = () => {
      const w = cluster.fork();
      w.once("listening", () => listened.add(w));
    };
    const stopAll = async (code: number) => {
      if (stopping) return;
      stopping = true;
      exitCode = code;
      const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
      for (const w of alive) w.process.kill("SIGTERM");
      // each worker keeps its own stop deadline; this one only bounds a worker that ignores it
      const outcome = await withDeadline(() => Promise.all(alive.map((w) => (w.isDead() ? undefined : new Promise((r) => w.once("exit", r))))).then(() => undefined), config.stopTimeoutMs + 5_000);
      if (outcome !== "done") {
        for (const w of alive) if (!w.isDead()) w.process.kill("SIGKILL");
        exitCode = 1;
      }
      cluster.removeAllListeners("exit");
      resolve(exitCode);
    };

    cluster.on("exit", (w, code, signal) => {
      if (stopping) {
        if (code !== 0) exitCode = 1;
        return;
      }
      if (code === 0) {
        // a worker stops by itself only when told to: a Ctrl-C reaches every process of the terminal's group
        log.info("a worker stopped: stopping the others", { worker: w.process.pid });
        void stopAll(0);
        return;
      }
      if (!listened.has(w)) {
        log.error("a worker failed to start (its own line above says why): stopping", { worker: w.process.pid, code });
        void stopAll(1);
        return;
      }
      const now = Date.now();
      deaths.push(now);
      while (deaths.length && deaths[0]! < now - CRASH_WINDOW_MS) deaths.shift();
      if (deaths.length >= CRASH_LIMIT) {
        log.error(`workers died ${deaths.length} times within ${CRASH_WINDOW_MS / 1000} s: giving up (a crash loop; the lines above say why)`, { worker: w.process.pid, code, signal });
        void stopAll(1);
        return;
      }
      const wait = Math.min(MAX_BACKOFF_MS, RESTART_BACKOFF_MS * 2 ** (deaths.length - 1));
      log.warn("a worker died: restarting it", { worker: w.process.pid, code, signal, restartInMs: wait });
      setTimeout(() => stopping || fork(), wait);
    });

    void opts.stopRequested.then((reason) => {
      if (stopping) return;
      log.info("stopping workers", { signal: reason, timeoutSeconds: config.stopTimeoutMs / 1000 });
      void stopAll(0);
    });
    for (let i = 0; i < count; i++) fork();
  });
}
