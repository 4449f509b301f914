/**
 * `npm start`: serves every product of KOOGATE_PRODUCTS on PORT. Setup problems are printed as one
 * readable message (file, path, fix) and exit with status 1; SIGTERM and SIGINT stop gracefully.
 */
import "reflect-metadata";
import { loadConfig } from "../core/config.js";
import { SetupError } from "../core/errors.js";
import { createKoogate } from "./composition.js";

async function main(): Promise<void> {
  const config = loadConfig();
  const koogate = await createKoogate({ config });
  const server = await koogate.listen();
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  for (const p of koogate.kernel.products()) {
    koogate.logger.info("serving", { product: p.id, url: `http://localhost:${port}/produce/${p.id}`, method: p.protocol === "v1" ? "GET" : "POST" });
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
  if (err instanceof SetupError) {
    process.stderr.write(`koogate cannot start: ${err.message}\n`);
  } else {
    process.stderr.write(`koogate cannot start: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  process.exit(1);
});
