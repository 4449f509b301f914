/**
 * `koogate serve` (alias `start`): serves the merchant project in the working directory. It loads the
 * project exactly as `check` and `sim` do (core/project/), starts the server on PORT, logs every
 * production URL, and stops gracefully on SIGTERM or SIGINT (calls in flight finish, then exit 0).
 */
import { createLogger } from "../../core/logger.js";
import { loadProject } from "../../core/project/index.js";
import { createKoogate } from "../../server/composition.js";
import { EXIT, optionLines, parse, type Io } from "../args.js";

export const serveHelp = [
  "Usage: koogate serve     (alias: koogate start)",
  "",
  "Serves the project in this folder: reads its koogate config (koogate.config.js, .mjs, .json, or the",
  "\"koogate\" section of package.json; KOOGATE_CONFIG names another file), imports the adapter modules it",
  "lists (compiled JavaScript: run your build first), loads the product definitions and listens on PORT",
  "(default 8080). KOOGATE_PRODUCTS and KOOGATE_DATABASE_URL override the config's products and database.",
  "Put HTTPS in front (docs/guide.md). SIGTERM or SIGINT stops after the calls in flight.",
  "",
  ...optionLines({ help: { type: "boolean", description: "show this help" } }),
].join("\n");

export async function serve(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, {}, false);
  if (values.help) {
    io.out(serveHelp);
    return EXIT.ok;
  }
  const project = await loadProject({ env: io.env });
  const { config } = project;
  const logger = createLogger({ level: config.logLevel, format: config.logFormat });
  const koogate = await createKoogate({ config, env: io.env, logger, adapters: project.adapters, adapterHint: project.adapterHint });
  const server = await koogate.listen();
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  for (const id of koogate.kernel.products().map((p) => p.id)) {
    const { product, kind } = koogate.kernel.product(id)!;
    for (const e of kind.describe(product).endpoints) {
      logger.info("serving", { product: id, kind: kind.name, what: e.what, method: e.method, url: `http://localhost:${port}${e.path}` });
    }
  }
  logger.info("koogate listening", { port, database: config.databaseUrl.replace(/\/\/[^@]*@/, "//…@") });
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info("stopping", { signal });
      koogate.close().then(
        () => resolve(EXIT.ok),
        (e: Error) => {
          logger.error("stop failed", { error: e.message });
          resolve(EXIT.failed);
        },
      );
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
}
