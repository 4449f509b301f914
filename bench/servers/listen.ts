import type { Server } from "node:http";

/** Prints the bound port as one JSON line on stdout (the benchmark reads it) and stops on SIGTERM. */
export function announce(server: Server, stop: () => Promise<void>): void {
  const address = server.address();
  process.stdout.write(JSON.stringify({ port: typeof address === "object" && address ? address.port : 0 }) + "\n");
  process.once("SIGTERM", () => {
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
