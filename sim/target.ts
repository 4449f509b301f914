/**
 * The product the simulator plays the marketplace for, with its keys resolved exactly as the server
 * resolves them: the same loader, the same environment-variable names, the same development-key
 * fallback outside production (core/products/loader.ts). So a simulator run signs with the key the
 * server will verify with, or fails the same way the server would.
 */
import type { AdapterClass } from "../core/adapters.js";
import { processEnvironment, readSettings, type Settings } from "../core/settings/index.js";
import { SetupError } from "../core/errors.js";
import type { Kind } from "../core/kinds/kind.js";
import type { LogFields, Logger } from "../core/logger.js";
import type { ProductBase } from "../core/products/definition.js";
import { loadProducts } from "../core/products/loader.js";
import { MARKETPLACE_CALL_TIMEOUT_MS } from "../core/settings/timings.js";

export { MARKETPLACE_TIMEOUT_MS, type SimTarget } from "../core/simulation/target.js";
import { MARKETPLACE_TIMEOUT_MS, type SimTarget } from "../core/simulation/target.js";

export interface LoadTargetOptions {
  /** the product id (its definition's `id`) */
  productId: string;
  /** default http://localhost:8080 */
  baseUrl?: string;
  /** the settings (NODE_ENV, the products folder, the key variables); default the process's */
  settings?: Settings;
  /** the adapter classes of the merchant project (core/project/) */
  adapters: readonly AdapterClass[];
  /** the products folder and the "unknown adapter" hint of the merchant project; default KOOGATE_PRODUCTS */
  project?: ProjectPaths;
  /** the product kinds (core/kinds/index.ts) */
  kinds: readonly Kind[];
  /** default "0" */
  testFlag?: "0" | "1";
  /** default MARKETPLACE_TIMEOUT_MS */
  timeoutMs?: number;
}

/** Loads every definition as the server does and picks one. @throws SetupError */
export function loadTarget(opts: LoadTargetOptions): { target: SimTarget; notes: string[] } {
  const settings = opts.settings ?? readSettings(processEnvironment());
  const { products, notes } = loadAllProducts(settings, opts.adapters, opts.kinds, opts.project);
  const product = products.find((p) => p.id === opts.productId);
  if (!product) {
    const known = products.map((p) => p.id).join(", ");
    throw new SetupError(`no product "${opts.productId}" (defined: ${known})`, opts.project?.productsDir ?? settings.server.productsDir);
  }
  const baseUrl = (opts.baseUrl ?? "http://localhost:8080").replace(/\/+$/, "");
  return {
    target: {
      product,
      baseUrl,
      productionUrl: `${baseUrl}/produce/${product.id}`,
      testFlag: opts.testFlag ?? "0",
      timeoutMs: opts.timeoutMs ?? MARKETPLACE_TIMEOUT_MS,
    },
    notes: summariseNotes(notes.filter((n) => n.product === product.id)),
  };
}

/** A note from loading, e.g. that a key variable is unset and the development key is used. */
export interface LoadNote {
  product: string;
  /** the key variable the note is about */
  variable: string;
  text: string;
}

/** One line for every unset key variable of a product, instead of one line each. */
function summariseNotes(notes: LoadNote[]): string[] {
  if (notes.length <= 1) return notes.map((n) => n.text);
  return [`${notes.map((n) => n.variable).join(", ")} are not set: like the server outside production, the simulator uses their public development keys`];
}

/** Where a merchant project keeps its definitions, and what to do about an unknown adapter. */
export interface ProjectPaths {
  productsDir: string;
  adapterHint?: string;
}

/**
 * Every product of the project's products folder (default KOOGATE_PRODUCTS), loaded exactly as the server loads them. The loader's warnings
 * (unset key variables) are returned as notes instead of being logged.
 * @throws SetupError with every problem found
 */
export function loadAllProducts(
  settings: Pick<Settings, "server" | "env">,
  adapters: readonly AdapterClass[],
  kinds: readonly Kind[],
  project?: ProjectPaths,
): { products: ProductBase[]; notes: LoadNote[] } {
  const notes: LoadNote[] = [];
  const products = loadProducts({
    dir: project?.productsDir ?? settings.server.productsDir,
    adapterHint: project?.adapterHint,
    env: settings.env,
    production: settings.server.production,
    adapters: new Map(adapters.map((a) => [a.name, a])),
    kinds,
    logger: noteLogger(notes),
  });
  return { products, notes };
}

function noteLogger(notes: LoadNote[]): Logger {
  const add = (_msg: string, f?: LogFields) => {
    if (f && typeof f.variable === "string" && typeof f.product === "string") {
      notes.push({ product: f.product, variable: f.variable, text: `${f.variable} is not set: like the server outside production, the simulator uses its public development key` });
    }
  };
  const logger: Logger = { debug: () => undefined, info: () => undefined, warn: add, error: add, child: () => logger };
  return logger;
}
