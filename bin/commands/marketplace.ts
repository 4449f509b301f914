/**
 * `koogate marketplace`: KooGallery's open APIs on this machine (sim/marketplace/), for developing a
 * merchant's calls without the real marketplace: query order with the mock orders, test authorization
 * codes, the usage push and uploads, with faults on demand. Runs until interrupted.
 */
import { startLocalMarketplace } from "../../sim/marketplace/server.js";
import { DEV_MARKETPLACE_AK, DEV_MARKETPLACE_SK } from "../../sim/marketplace/dev-keys.js";
import { FAULTS, type Fault } from "../../sim/marketplace/state.js";
import { devKey } from "../../core/products/loader.js";
import { readSettings } from "../../core/settings/index.js";
import { EXIT, optionLines, parse, str, UsageError, wholeOption, type Io } from "../args.js";

const OPTIONS = {
  port: { type: "string", description: "port on 127.0.0.1", default: "8090" },
  fault: { type: "string", description: `answer every open-API call with a fault: ${FAULTS.join(", ")}` },
  "usage-key": {
    type: "string",
    description: "verify usage pushes of a listing: <product id>=<variable of its basic key>; an unset variable means koogate's development key for it",
    default: "demo-saas=DEMO_SAAS_ACCESS_KEY",
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
  const mkt = await startLocalMarketplace({ port, ak: dev ? DEV_MARKETPLACE_AK : ak, sk: dev ? DEV_MARKETPLACE_SK : sk, faults: fault ? { always: fault as Fault } : undefined });
  // usage pushes are signed with the listing's basic key (docs/marketplace/api-image-openapi.md §4), which a server
  // outside production replaces by its development key when the variable is unset
  const [usageProduct, usageVariable] = (str(values, "usage-key") ?? OPTIONS["usage-key"].default).split("=");
  if (!usageProduct || !usageVariable) throw new UsageError("--usage-key must be <product id>=<VARIABLE>");
  mkt.state.setUsageKey(usageProduct, io.env[usageVariable]?.trim() || devKey(usageVariable));
  const code = mkt.state.issueLicense({ code: "PLTEST000001" }).code;
  io.out(`koogate marketplace listening on ${mkt.url} (loopback only)`);
  io.out(`  callers set   KOOGATE_MARKETPLACE_URL=${mkt.url}`);
  io.out(
    dev
      ? `  keys          KOOGATE_MARKETPLACE_AK / _SK not both set: expecting the development pair, AK ${DEV_MARKETPLACE_AK} (its SK is in sim/marketplace/dev-keys.ts)`
      : `  keys          expecting AK ${ak} from KOOGATE_MARKETPLACE_AK and its secret from KOOGATE_MARKETPLACE_SK`,
  );
  io.out(`  mock orders   ${[...mkt.state.orders.keys()].join(", ")}`);
  io.out(`  test code     ${code} (received, not activated)`);
  io.out(`  usage pushes  of ${usageProduct}, verified with ${usageVariable}${io.env[usageVariable] ? "" : " (unset: the development key)"}`);
  if (fault) io.out(`  fault         every open-API call answers: ${fault}`);
  io.out("  local routes  POST /_local/orders, POST /_local/licenses, POST /_local/faults, GET /_local/usage, GET /_local/calls, GET /_local/uploads");
  await stop;
  await mkt.close();
  return EXIT.ok;
}

function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}
