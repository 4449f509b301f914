/**
 * `koogate marketplace`: KooGallery's open APIs on this machine (sim/marketplace/), for developing a
 * merchant's calls without the real marketplace: query order with the mock orders, test authorization
 * codes, the usage push and uploads, with faults on demand. Runs until interrupted.
 */
import { startLocalMarketplace } from "../../sim/marketplace/server.js";
import { DEV_MARKETPLACE_AK, DEV_MARKETPLACE_SK } from "../../sim/marketplace/dev-keys.js";
import { FAULTS, type Fault } from "../../sim/marketplace/state.js";
import { SetupError } from "../../core/errors.js";
import { KINDS } from "../../core/kinds/index.js";
import { isMetered } from "../../core/metering/definition.js";
import { devKey } from "../../core/products/loader.js";
import { readSettings } from "../../core/settings/index.js";
import { loadProject } from "../../core/project/index.js";
import { loadAllProducts } from "../../sim/target.js";
import { EXIT, optionLines, parse, str, UsageError, wholeOption, type Io } from "../../core/cli/args.js";

const OPTIONS = {
  port: { type: "string", description: "port on 127.0.0.1", default: "8090" },
  fault: { type: "string", description: `answer every open-API call with a fault: ${FAULTS.join(", ")}` },
  "usage-key": {
    type: "string",
    description:
      "verify usage pushes of a listing: <product id>=<variable of its basic key>; an unset variable means koogate's development key for it (default: every metered listing of the project here, with its basic key)",
  },
} as const;

export const marketplaceHelp = [
  "Usage: koogate marketplace [--port N] [--fault 500|timeout|throttle]",
  "",
  "Serves KooGallery's open APIs on http://127.0.0.1:<port> (loopback only), checking the AK/SK signature",
  "against KOOGATE_MARKETPLACE_AK / KOOGATE_MARKETPLACE_SK, or the development pair in",
  "sim/marketplace/dev-keys.ts when they are not set. Point a client at it with",
  "KOOGATE_MARKETPLACE_URL=http://127.0.0.1:<port>.",
  "",
  ...optionLines({ ...OPTIONS, help: { type: "boolean", description: "show this help" } }),
].join("\n");

/** Starts the local marketplace; resolves with the exit code once `stop` resolves (default: Ctrl-C). */
export async function marketplace(argv: string[], io: Io, stop: Promise<unknown> = interrupted()): Promise<number> {
  const { values } = parse(argv, OPTIONS, false);
  if (values.help) {
    io.out(marketplaceHelp);
    return EXIT.ok;
  }
  const port = wholeOption(values, "port", { min: 0, max: 65535, dflt: Number(OPTIONS.port.default) });
  const fault = str(values, "fault");
  if (fault !== undefined && !FAULTS.includes(fault as Fault)) throw new UsageError(`--fault must be one of ${FAULTS.join(", ")}`);
  // the keys callers sign with: the same settings koogate's own client reads
  const { ak, sk } = readSettings(io.env).marketplace;
  const dev = ak === undefined || sk === undefined;
  // read before the marketplace starts: a wrong --usage-key must not leave it listening
  const usageKeys = await usageKeysOf(str(values, "usage-key"), io);
  const mkt = await startLocalMarketplace({ port, ak: dev ? DEV_MARKETPLACE_AK : ak, sk: dev ? DEV_MARKETPLACE_SK : sk, faults: fault ? { always: fault as Fault } : undefined });
  // usage pushes are signed with the listing's basic key (docs/marketplace/api-image-openapi.md §4), which a server
  // outside production replaces by its development key when the variable is unset
  for (const [product, variable] of usageKeys) mkt.state.setUsageKey(product, io.env[variable]?.trim() || devKey(variable));
  // what each kind sets up for its listings (a test authorization code)
  const kindLines = KINDS.flatMap((k) => k.localMarketplace?.(mkt.state) ?? []);
  io.out(`koogate marketplace listening on ${mkt.url} (loopback only)`);
  io.out(`  callers set   KOOGATE_MARKETPLACE_URL=${mkt.url}`);
  io.out(
    dev
      ? `  keys          KOOGATE_MARKETPLACE_AK / _SK not both set: expecting the development pair, AK ${DEV_MARKETPLACE_AK} (its SK is in sim/marketplace/dev-keys.ts)`
      : `  keys          expecting AK ${ak} from KOOGATE_MARKETPLACE_AK and its secret from KOOGATE_MARKETPLACE_SK`,
  );
  io.out(`  mock orders   ${[...mkt.state.orders.keys()].join(", ")}`);
  for (const line of kindLines) io.out(line);
  io.out(
    usageKeys.length
      ? `  usage pushes  of ${usageKeys.map(([p, v]) => `${p}, verified with ${v}${io.env[v] ? "" : " (unset: the development key)"}`).join("; ")}`
      : "  usage pushes  none verified: no metered listing here (--usage-key <product id>=<VARIABLE>)",
  );
  if (fault) io.out(`  fault         every open-API call answers: ${fault}`);
  io.out("  local routes  POST /_local/orders, POST /_local/licenses, POST /_local/faults, GET /_local/usage, GET /_local/calls, GET /_local/uploads");
  await stop;
  await mkt.close();
  return EXIT.ok;
}

/**
 * Whose usage pushes to verify, and with which variable: `--usage-key <id>=<VARIABLE>`, else every
 * metered listing of the project in this folder with the first variable of its basic key (none when
 * the project does not load: said on stderr).
 */
async function usageKeysOf(option: string | undefined, io: Io): Promise<Array<[string, string]>> {
  if (option !== undefined) {
    const [product, variable] = option.split("=");
    if (!product || !variable) throw new UsageError("--usage-key must be <product id>=<VARIABLE>");
    return [[product, variable]];
  }
  try {
    const project = await loadProject({ env: io.env });
    const { products } = loadAllProducts(project.settings, project.adapters, KINDS, { productsDir: project.config.productsDir, adapterHint: project.adapterHint });
    return products.filter(isMetered).flatMap((p) => (p.keyVariables.basic[0] ? [[p.id, p.keyVariables.basic[0].name] as [string, string]] : []));
  } catch (e) {
    if (!(e instanceof SetupError)) throw e;
    io.err(`koogate marketplace: the project here does not load, so no listing's usage pushes are verified (--usage-key): ${e.message}`);
    return [];
  }
}

function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}
