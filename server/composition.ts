/**
 * The composition root: the one place where koogate's parts are created and wired. It registers the
 * config, logger, clock, database and every merchant adapter class against their tokens, starts the
 * kernel, and builds the Koa app. `server/main.ts` calls it; so do the tests, each with its own
 * container, database and products.
 */
import "reflect-metadata";
import type { Server } from "node:http";
import type Koa from "koa";
import { container as rootContainer, Lifecycle, type DependencyContainer } from "tsyringe";
import { adapters as merchantAdapters } from "../adapters/index.js";
import type { AdapterClass } from "../core/adapters.js";
import type { Config } from "../core/config.js";
import { adapterToken, Kernel } from "../core/kernel.js";
import { KINDS as REGISTERED_KINDS } from "../core/kinds/index.js";
import type { Endpoint, Kind } from "../core/kinds/kind.js";
import { createLogger, type Logger } from "../core/logger.js";
import { MarketplaceClient } from "../core/marketplace/client.js";
import { Outbox } from "../core/outbox/outbox.js";
import { createDatabase } from "../core/store/database.js";
import { GroupCommit } from "../core/store/group-commit.js";
import { InstanceStore } from "../core/store/instances.js";
import { NonceStore } from "../core/store/nonces.js";
import { OperationStore } from "../core/store/operations.js";
import { CLOCK, CONFIG, DATABASE, KINDS, LOGGER, systemClock, type Clock, type Knex } from "../core/tokens.js";
import { SetupError } from "../core/errors.js";
import { createApp } from "./app.js";

export interface KoogateOptions {
  config: Config;
  /** where key variables are read; default process.env */
  env?: NodeJS.ProcessEnv;
  /** default: JSON lines on stderr at config.logLevel */
  logger?: Logger;
  /** default: the system clock */
  clock?: Clock;
  /** adapter classes products may name; default: adapters/index.ts */
  adapters?: readonly AdapterClass[];
  /** the product kinds served; default the registry (core/kinds/index.ts) */
  kinds?: readonly Kind[];
  /** the client of KooGallery's open APIs; default one configured from `env` (KOOGATE_MARKETPLACE_*) */
  marketplace?: MarketplaceClient;
}

export interface Koogate {
  app: Koa;
  kernel: Kernel;
  container: DependencyContainer;
  db: Knex;
  logger: Logger;
  /** starts listening; resolves once the port is bound */
  listen(port?: number, host?: string): Promise<Server>;
  /** stops accepting, waits for calls in flight, closes the database */
  close(): Promise<void>;
}

export async function createKoogate(opts: KoogateOptions): Promise<Koogate> {
  const { config } = opts;
  const logger = opts.logger ?? createLogger({ level: config.logLevel, format: config.logFormat });
  const container = rootContainer.createChildContainer();
  const db = createDatabase(config.databaseUrl, { logger });
  container.register(CONFIG, { useValue: config });
  container.register(LOGGER, { useValue: logger });
  container.register(CLOCK, { useValue: opts.clock ?? systemClock });
  container.register(DATABASE, { useValue: db });
  container.register(KINDS, { useValue: opts.kinds ?? REGISTERED_KINDS });
  container.register(MarketplaceClient, { useValue: opts.marketplace ?? MarketplaceClient.fromEnv(opts.env ?? process.env, { logger }) });

  const byName = new Map<string, AdapterClass>();
  for (const cls of opts.adapters ?? merchantAdapters) {
    if (byName.has(cls.name)) throw new SetupError(`two adapter classes are named ${cls.name}; rename one`, "adapters/index.ts");
    byName.set(cls.name, cls);
    container.register(adapterToken(cls.name), { useClass: cls as unknown as new () => unknown }, { lifecycle: Lifecycle.ContainerScoped });
  }
  container.register(Kernel, { useClass: Kernel }, { lifecycle: Lifecycle.ContainerScoped });
  // one outbox per server: the calls that start background work and the kernel that stops it share it
  container.register(Outbox, { useClass: Outbox }, { lifecycle: Lifecycle.ContainerScoped });
  // one queue per server for each kind of statement that concurrent calls share (group commit)
  for (const shared of [NonceStore, OperationStore, InstanceStore, GroupCommit] as const) {
    container.register(shared as never, { useClass: shared as never }, { lifecycle: Lifecycle.ContainerScoped });
  }
  const kernel = container.resolve(Kernel);
  try {
    await kernel.start(container, byName, opts.env ?? process.env);
  } catch (e) {
    await db.destroy();
    throw e;
  }
  const endpoints = new Map<string, readonly Endpoint[]>(kernel.kinds.map((k) => [k.name, k.endpoints(container)]));
  const app = createApp({ kernel, endpoints, logger, maxBodyBytes: config.maxBodyBytes });

  let server: Server | undefined;
  return {
    app,
    kernel,
    container,
    db,
    logger,
    listen(port = config.port, host?: string) {
      return new Promise((resolve, reject) => {
        const s = app.listen(port, host);
        s.once("listening", () => resolve(s));
        s.once("error", reject);
        server = s;
      });
    },
    async close() {
      if (server) {
        const s = server;
        await new Promise<void>((resolve) => {
          // A keep-alive connection that was busy when close() began becomes idle once its answer is
          // sent; Node closes idle connections only when asked, so ask until the last one is gone.
          const sweep = setInterval(() => s.closeIdleConnections(), 50);
          s.close(() => {
            clearInterval(sweep);
            resolve();
          });
          s.closeIdleConnections();
        });
      }
      await kernel.stop();
    },
  };
}
