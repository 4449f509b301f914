/**
 * `npm start`: serves every product of KOOGATE_PRODUCTS on PORT. Setup problems are printed as one
 * readable message (file, path, fix) and exit with status 1; SIGTERM and SIGINT stop gracefully.
 */
import "reflect-metadata";
import { loadConfig } from "../core/config.js";
import { createKoogate } from "./composition.js";

async function main(): Promise<void> {
  const config = loadConfig();
  const koogate = await createKoogate({ config });
  const server = await koogate.listen();
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  for (const id of koogate.kernel.products().map((p) => p.id)) {
    const { product, kind } = koogate.kernel.product(id)!;
    for (const e of kind.describe(product).endpoints) {
      koogate.logger.info("serving", { product: id, kind: kind.name, what: e.what, method: e.method, url: `http://localhost:${port}${e.path}` });
    }
  }
  koogate.logger.info("koogate listening", { port, database: config.databaseUrl.replace(/\/\/[^@]*@/, "//…@") });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    koogate.logger.info("stopping", { signal });
    koogate.close().then(
      () => process.exit(0),
      (e: Error) => {
        koogate.logger.error("stop failed", { error: e.message });
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((err: unknown) => {
  // a SetupError's message names the file, the path and the fix; anything else says what failed
  process.stderr.write(`koogate cannot start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
