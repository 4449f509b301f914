/**
 * License listings for tests: definitions of each variant, and a demo adapter that writes one row per
 * call into its own table, so tests count adapter calls in the database. `RecordingLicenseAdapter.issueDelayMs`
 * makes issueLicense slow (to overlap deliveries or outlast the budget); `refuseWith` makes it throw a CallError;
 * `meterOnIssue` makes it record that usage of the instance with the context's usage recorder.
 */
import { inject, injectable } from "tsyringe";
import { CallError } from "../../core/errors.js";
import type { AdapterContext, CodeRequest, IssuedLicense, IssueLicenseRequest, LicenseInstanceRequest, RenewCodeRequest, RenewLicenseRequest, RevokeCodeRequest } from "../../core/kinds/license/adapter.js";
import { CONFIG, DATABASE, LOGGER, type Config, type Knex, type Logger, SETTINGS_TOKEN } from "../../core/tokens.js";
import type { Settings } from "../../core/settings/index.js";
import type { ResultCode } from "../../core/vocabulary.js";
import { DemoLicenseAdapter } from "../../adapters/demo-license.js";
import { DEV_MARKETPLACE_AK, DEV_MARKETPLACE_SK } from "../../sim/marketplace/dev-keys.js";
import { TEST_KEY } from "./client.js";

export const LICENSE_TEST_KEY = "test-license-key-0123456789";
export const LICENSE_CALLS_TABLE = "test_license_calls";

/** The product the local marketplace issues codes of by default (sim/marketplace/state.ts). */
export const LOCAL_PRODUCT_ID = "OFFI846204237451911168";

/**
 * A License definition of `variant` with the recording adapter; keys from TEST_BASIC_KEY / TEST_LICENSE_KEY.
 * A code listing whose `extra` has no `relay:` block sells the local marketplace's product.
 */
export function licenseYaml(id: string, variant: "code" | "online" | "v1", extra = ""): string {
  if (variant === "code" && !extra.includes("relay:")) extra = `relay:\n  productIds: [${LOCAL_PRODUCT_ID}]\n${extra}`;
  return [
    `id: ${id}`,
    `name: Test licence ${id}`,
    "kind: license",
    `variant: ${variant}`,
    "adapter: RecordingLicenseAdapter",
    "keys:",
    "  basic: [TEST_BASIC_KEY]",
    "  license: [TEST_LICENSE_KEY]",
    extra,
  ].join("\n");
}

export const LICENSE_ENV = { TEST_BASIC_KEY: TEST_KEY, TEST_LICENSE_KEY: LICENSE_TEST_KEY };

@injectable()
export class RecordingLicenseAdapter extends DemoLicenseAdapter {
  static issueDelayMs = 0;
  static refuseWith: ResultCode | undefined;
  /** these methods throw on the first call with a given input, then succeed (a backend that fails once per call) */
  static failOnce = new Set<string>();
  /** these methods always throw */
  static failAlways = new Set<string>();
  /** usage issueLicense records for its instance through `ctx.metering` (a metered listing's recorder) */
  static meterOnIssue: { value: number; begin: Date; end: Date } | undefined;

  constructor(
    @inject(CONFIG) config: Config,
    @inject(LOGGER) logger: Logger,
    @inject(DATABASE) private readonly db: Knex,
    @inject(SETTINGS_TOKEN) settings: Settings,
  ) {
    super(config, logger, settings);
  }

  override async setup(): Promise<void> {
    await super.setup();
    if (await this.db.schema.hasTable(LICENSE_CALLS_TABLE)) return;
    await this.db.schema
      .createTable(LICENSE_CALLS_TABLE, (t) => {
        t.increments("id");
        t.string("product_id").notNullable();
        t.string("method").notNullable();
        t.text("input").notNullable();
      })
      .catch(async (e: Error) => {
        if (!(await this.db.schema.hasTable(LICENSE_CALLS_TABLE))) throw e;
      });
  }

  private async record(method: string, input: object, ctx: AdapterContext): Promise<void> {
    const text = JSON.stringify(input);
    await this.db(LICENSE_CALLS_TABLE).insert({ product_id: ctx.product.id, method, input: text });
    if (RecordingLicenseAdapter.failAlways.has(method)) throw new Error(`licence backend down for ${method}`);
    if (RecordingLicenseAdapter.failOnce.has(method)) {
      const rows = (await this.db(LICENSE_CALLS_TABLE).where({ method, input: text }).count({ n: "*" })) as Array<{ n: number | string }>;
      if (Number(rows[0]?.n) === 1) throw new Error(`licence backend hiccup on ${method}`);
    }
  }

  override async renewCode(req: RenewCodeRequest, ctx: AdapterContext) {
    await this.record("renewCode", req, ctx);
  }
  override async freezeCode(req: CodeRequest, ctx: AdapterContext) {
    await this.record("freezeCode", req, ctx);
  }
  override async unfreezeCode(req: CodeRequest, ctx: AdapterContext) {
    await this.record("unfreezeCode", req, ctx);
  }
  override async revokeCode(req: RevokeCodeRequest, ctx: AdapterContext) {
    await this.record("revokeCode", req, ctx);
  }
  override async renewLicense(req: RenewLicenseRequest, ctx: AdapterContext) {
    await this.record("renewLicense", req, ctx);
  }
  override async expireLicense(req: LicenseInstanceRequest, ctx: AdapterContext) {
    await this.record("expireLicense", req, ctx);
  }
  override async revokeLicense(req: LicenseInstanceRequest, ctx: AdapterContext) {
    await this.record("revokeLicense", req, ctx);
  }
  override async issueLicense(req: IssueLicenseRequest, ctx: AdapterContext): Promise<IssuedLicense> {
    if (RecordingLicenseAdapter.issueDelayMs > 0) await new Promise((r) => setTimeout(r, RecordingLicenseAdapter.issueDelayMs));
    if (RecordingLicenseAdapter.refuseWith) throw new CallError(RecordingLicenseAdapter.refuseWith);
    await this.record("issueLicense", req, ctx);
    const usage = RecordingLicenseAdapter.meterOnIssue;
    if (usage) await ctx.metering!.record({ instanceId: req.instanceId, ...usage });
    return super.issueLicense(req, ctx);
  }
}

/** The adapter calls recorded for `method`, oldest first, their inputs parsed. */
export async function licenseCalls(db: Knex, method: string): Promise<Array<Record<string, unknown>>> {
  const rows: Array<{ input: string }> = await db(LICENSE_CALLS_TABLE).where({ method }).orderBy("id");
  return rows.map((r) => JSON.parse(r.input) as Record<string, unknown>);
}

/** The environment that points a server at a local marketplace with its development key pair. */
export function marketplaceEnv(url: string): Record<string, string> {
  return { KOOGATE_MARKETPLACE_URL: url, KOOGATE_MARKETPLACE_AK: DEV_MARKETPLACE_AK, KOOGATE_MARKETPLACE_SK: DEV_MARKETPLACE_SK };
}
