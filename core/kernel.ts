/**
 * The kernel: the loaded products with their adapters, the database brought up to date, and the
 * housekeeping timers. It knows nothing of HTTP; `server/` maps routes onto it.
 */
import { inject, injectable, type DependencyContainer } from "tsyringe";
import { hasSetup, type AdapterClass } from "./adapters.js";
import { SetupError } from "./errors.js";
import type { SaasAdapter } from "./kinds/saas/adapter.js";
import type { ServedSaasProduct } from "./kinds/saas/activities.js";
import type { Product } from "./products/definition.js";
import { loadProducts } from "./products/loader.js";
import { Outbox } from "./kinds/saas/outbox.js";
import { migrateLatest } from "./store/migrate.js";
import { NonceStore } from "./store/nonces.js";
import { CLOCK, CONFIG, DATABASE, LOGGER, type Clock, type Config, type Knex, type Logger } from "./tokens.js";

/** Injection token prefix of adapter classes: `adapter:<ClassName>`. */
export const adapterToken = (name: string) => `adapter:${name}`;

@injectable()
export class Kernel {
  private readonly served = new Map<string, ServedSaasProduct>();
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    @inject(CONFIG) private readonly config: Config,
    @inject(DATABASE) readonly db: Knex,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(CLOCK) private readonly clock: Clock,
    private readonly nonces: NonceStore,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Loads the definitions, migrates the database, sets the adapters up. Throws SetupError on any
   * problem in the merchant's setup, before the server listens.
   */
  async start(container: DependencyContainer, adapters: ReadonlyMap<string, AdapterClass>, env: NodeJS.ProcessEnv): Promise<void> {
    const products = loadProducts({
      dir: this.config.productsDir,
      env,
      production: this.config.production,
      adapters,
      logger: this.logger,
    });
    await migrateLatest(this.db);
    const setUp = new Set<unknown>();
    for (const product of products) {
      let adapter: SaasAdapter;
      try {
        adapter = container.resolve<SaasAdapter>(adapterToken(product.adapter));
      } catch (e) {
        throw new SetupError(`cannot create adapter ${product.adapter}: ${(e as Error).message}`, product.file, "/adapter");
      }
      if (hasSetup(adapter) && !setUp.has(adapter)) {
        setUp.add(adapter);
        await adapter.setup();
      }
      this.served.set(product.id, { product, adapter });
      this.logger.info("product ready", { product: product.id, kind: product.kind, protocol: product.protocol, adapter: product.adapter });
    }
    this.purgeTimer = setInterval(() => {
      this.nonces.purge(this.clock.now()).catch((e: Error) => this.logger.warn("nonce purge failed", { error: e.message }));
    }, 60_000);
    this.purgeTimer.unref();
    this.outbox.startPolling((id) => this.served.get(id));
  }

  /** The product served at `/produce/<id>`, if any. */
  product(id: string): ServedSaasProduct | undefined {
    return this.served.get(id);
  }

  products(): Product[] {
    return [...this.served.values()].map((s) => s.product);
  }

  /** Stops the timers, lets running adapter work finish (or hands it over), closes the database. */
  async stop(): Promise<void> {
    clearInterval(this.purgeTimer);
    await this.outbox.stop();
    await this.db.destroy();
  }
}
