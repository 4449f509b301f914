/**
 * A loopback TCP proxy in front of the database, so that a test can make the database unreachable and
 * reachable again while koogate keeps running: `cut("refuse")` drops every connection and refuses new
 * ones (a stopped server), `cut("blackhole")` keeps sockets open but forwards nothing (a lost network).
 */
import net from "node:net";

export interface TcpProxy {
  port: number;
  cut(mode: "refuse" | "blackhole"): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = "127.0.0.1"): Promise<TcpProxy> {
  let mode: "open" | "refuse" | "blackhole" = "open";
  const pairs = new Set<[net.Socket, net.Socket | null]>();
  const server = net.createServer((client) => {
    client.on("error", () => undefined);
    if (mode === "refuse") return void client.destroy();
    if (mode === "blackhole") {
      const pair: [net.Socket, net.Socket | null] = [client, null];
      pairs.add(pair);
      client.on("close", () => pairs.delete(pair));
      return;
    }
    const upstream = net.connect(targetPort, targetHost);
    upstream.on("error", () => client.destroy());
    const pair: [net.Socket, net.Socket | null] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end);
    upstream.on("close", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    cut(m) {
      mode = m;
      for (const [client, upstream] of pairs) {
        if (m === "refuse") {
          client.destroy();
          upstream?.destroy();
        } else {
          // a lost network: nothing more passes either way, and nobody is told
          client.unpipe();
          upstream?.unpipe();
          client.pause();
          upstream?.pause();
        }
      }
    },
    restore() {
      mode = "open";
      // connections held through a blackhole are dead for good: drop them, as a real network reset would
      for (const [client, upstream] of pairs) {
        if (client.isPaused()) {
          client.destroy();
          upstream?.destroy();
        }
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const [c, u] of pairs) {
          c.destroy();
          u?.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
