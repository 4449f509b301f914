/**
 * What a scenario asks of the local marketplace (sim/marketplace/, `koogate marketplace`) over its
 * `/_local/*` routes: register an order, inject a fault, read back the open-API calls it received and
 * the usage records it accepted. Over HTTP, so a scenario plays against a marketplace in another
 * process exactly as against one started by a test.
 */
import type { LocalOrder } from "./local-marketplace.js";
import type { AcceptedUsage, Fault, ReceivedCall } from "./local-marketplace.js";
import { ScenarioAbort, ScenarioUsageError, type ScenarioContext } from "./scenario.js";
import { givenSetting } from "../settings/index.js";

/** The `--marketplace` option shared by the scenarios that look at the local marketplace. */
export const MARKETPLACE_OPTION = {
  type: "string",
  description: "the local marketplace (koogate marketplace) the server calls; default KOOGATE_MARKETPLACE_URL",
} as const;

/** The `--database` option: koogate's database, to check what the server stored. */
export const DATABASE_OPTION = {
  type: "string",
  description: "the server's database (as KOOGATE_DATABASE_URL), to check what it stored; default KOOGATE_DATABASE_URL",
} as const;

/** The local marketplace's base URL: `--marketplace`, else KOOGATE_MARKETPLACE_URL. @throws ScenarioUsageError when neither is set */
export function marketplaceUrl(ctx: ScenarioContext, scenario: string): string {
  const url = ctx.option("marketplace") ?? givenSetting(ctx.env, "KOOGATE_MARKETPLACE_URL");
  if (!url) throw new ScenarioUsageError(`${scenario} watches the local marketplace: start koogate marketplace and give --marketplace <url> or KOOGATE_MARKETPLACE_URL`);
  return url.replace(/\/+$/, "");
}

/** The server's database URL: `--database`, else KOOGATE_DATABASE_URL, else undefined. */
export function databaseUrl(ctx: ScenarioContext): string | undefined {
  return ctx.option("database") ?? givenSetting(ctx.env, "KOOGATE_DATABASE_URL");
}

export class LocalMarketplaceClient {
  constructor(private readonly baseUrl: string) {}

  /** Registers an order for query order to answer. */
  async addOrder(order: LocalOrder): Promise<void> {
    await this.call("POST", "/_local/orders", order);
  }

  /** Answers the next `count` open-API calls with `fault`. */
  async failNext(count: number, fault: Fault): Promise<void> {
    await this.call("POST", "/_local/faults", { fault, count });
  }

  /** Every open-API call received so far, oldest first. */
  async calls(): Promise<ReceivedCall[]> {
    return ((await this.call("GET", "/_local/calls")) as { calls: ReceivedCall[] }).calls;
  }

  /** The usage records accepted so far, and the ids whose basic keys verify pushes. */
  async usage(): Promise<{ records: AcceptedUsage[]; keyIds: string[] }> {
    return (await this.call("GET", "/_local/usage")) as { records: AcceptedUsage[]; keyIds: string[] };
  }

  /** @throws ScenarioAbort when the local marketplace cannot be reached or refuses */
  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(5000),
      });
    } catch (e) {
      throw new ScenarioAbort(`the local marketplace at ${this.baseUrl} cannot be reached (${(e as Error).message}): is koogate marketplace running?`);
    }
    const text = await res.text();
    if (res.status >= 300) throw new ScenarioAbort(`the local marketplace answered ${method} ${path} with HTTP ${res.status}: ${text.slice(0, 120)}`);
    return text ? (JSON.parse(text) as unknown) : null;
  }
}

/** Polls `probe` every 100 ms until it returns a value other than undefined, at most `ms`; undefined when time ran out. */
export async function within<T>(ctx: ScenarioContext, ms: number, probe: () => Promise<T | undefined>): Promise<T | undefined> {
  const until = ctx.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (ctx.now() >= until) return undefined;
    await ctx.sleep(100);
  }
}

/** A whole number of milliseconds from an option. @throws ScenarioUsageError */
export function msOption(ctx: ScenarioContext, name: string): number {
  const v = Number(ctx.option(name, true));
  if (!Number.isInteger(v) || v < 0 || v > 600_000) throw new ScenarioUsageError(`--${name} must be a whole number of milliseconds up to 600000`);
  return v;
}
