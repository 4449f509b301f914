/**
 * `koogate serve` (alias `start`): serves the merchant project in the working directory. It loads the
 * project exactly as `check` and `sim` do (core/project/), starts the server on PORT, logs every
 * production URL, and stops gracefully on SIGTERM or SIGINT (calls in flight finish, then exit 0).
 * With `--workers N` (KOOGATE_WORKERS) a primary process runs N such servers on one port
 * (server/workers.ts). Anything that goes wrong before the port is bound exits 1 with one line.
 */
import cluster from "node:cluster";
import { workerCount } from "../../core/settings/server.js";
import { givenSetting } from "../../core/settings/index.js";
import { createLogger } from "../../core/logger.js";
import { loadProject } from "../../core/project/index.js";
import { redactUrl } from "../../core/store/database.js";
import { createKoogate } from "../../server/composition.js";
import { onStop, withDeadline } from "../../server/stop-signals.js";
import { runWorkers } from "../../server/workers.js";
import { EXIT, optionLines, parse, str, type Io } from "../../core/cli/args.js";

const OPTIONS = {
  workers: { type: "string", description: "server processes on the port: a number, or auto for the cores; more than 1 needs PostgreSQL (default: KOOGATE_WORKERS, else 1)" },
} as const;

export const serveHelp = [
  "Usage: koogate serve [--workers <n|auto>]     (alias: koogate start)",
  "",
  "Serves the project in this folder: reads its koogate config (koogate.config.js, .mjs, .json, or the",
  "\"koogate\" section of package.json; KOOGATE_CONFIG names another file), imports the adapter modules it",
  "lists (compiled JavaScript: run your build first), loads the product definitions and listens on PORT",
  "(default 8080). KOOGATE_PRODUCTS and KOOGATE_DATABASE_URL override the config's products and database.",
  "Put HTTPS in front (docs/deployment.md). SIGTERM or SIGINT stops after the calls in flight, within",
  "KOOGATE_STOP_TIMEOUT_SECONDS (default 20), and exits 0. A problem before the port is bound (the port",
  "taken, the database unreachable, a feature without its settings in production) exits 1 with one line.",
  "",
  ...optionLines({ ...OPTIONS, help: { type: "boolean", description: "show this help" } }),
].join("\n");

export async function serve(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, OPTIONS, false);
  if (values.help) {
    io.out(serveHelp);
    return EXIT.ok;
  }
  // Listened for from the first moment: a SIGTERM (or npm gone) while the server is still starting
  // stops it as soon as it has started, rather than killing it half-way. A worker's parent is its
  // primary (server/workers.ts): only the primary watches npm.
  let requested: (reason: string) => void = () => undefined;
  const stopRequested = new Promise<string>((resolve) => (requested = resolve));
  const signals = onStop((reason) => requested(reason), !cluster.isWorker && givenSetting(io.env, "npm_lifecycle_event") !== undefined);
  try {
    const project = await loadProject({ env: io.env });
    const { config } = project;
    const flag = str(values, "workers");
    const workers = flag === undefined ? config.workers : workerCount("--workers", flag);
    const logger = createLogger({ level: config.logLevel, format: config.logFormat });
    if (workers > 1 && cluster.isPrimary) return await runWorkers({ count: workers, config, logger, stopRequested });
    const koogate = await createKoogate({ settings: project.settings, logger, adapters: project.adapters, adapterHint: project.adapterHint });
    const server = await koogate.listen().catch(async (e: unknown) => {
      await koogate.close();
      throw e;
    });
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    for (const id of koogate.kernel.products().map((p) => p.id)) {
      const { product, kind } = koogate.kernel.product(id)!;
      for (const e of kind.describe(product).endpoints) {
        logger.info("serving", { product: id, kind: kind.name, what: e.what, method: e.method, url: `http://localhost:${port}${e.path}` });
      }
    }
    logger.info("koogate listening", { port, database: redactUrl(config.databaseUrl), ...(cluster.isWorker ? { worker: process.pid } : {}) });
    const reason = await stopRequested;
    logger.info("stopping", { signal: reason, timeoutSeconds: config.stopTimeoutMs / 1000 });
    const outcome = await withDeadline(() => koogate.close(), config.stopTimeoutMs);
    if (outcome === "done") return EXIT.ok;
    if (outcome === "late") logger.error("stop took longer than KOOGATE_STOP_TIMEOUT_SECONDS: exiting with work unfinished; the outbox hands it to the next start", { timeoutSeconds: config.stopTimeoutMs / 1000 });
    else logger.error("stop failed", { error: outcome.message });
    return EXIT.failed;
  } finally {
    signals.dispose();
  }
}
