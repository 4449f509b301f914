/**
 * A realistic demo SaaS backend: each purchase provisions an account in the demo's own table and
 * returns a login URL, a user name and a generated password. Renewals move the expiry, freezes lock
 * the account, releases delete it, upgrades bump the plan. Seller Console tests (testFlag=1) are
 * recorded as test accounts and touch nothing else.
 */
import { randomBytes, randomInt, scrypt } from "node:crypto";
import { promisify } from "node:util";
import { inject, injectable } from "tsyringe";
import type {
  AdapterContext,
  ChangeInstanceCheckRequest,
  ChangeInstanceCheckResult,
  NewInstanceRequest,
  NewInstanceResult,
  RefreshInstanceRequest,
  ReleaseInstanceRequest,
  SaasAdapter,
  UpdateInstanceStatusRequest,
  UpgradeInstanceRequest,
} from "../core/kinds/saas/adapter.js";
import { SetupError } from "../core/errors.js";
import type { Settings } from "../core/settings/index.js";
import { DATABASE, SETTINGS_TOKEN, type Knex } from "../core/tokens.js";

/** The definition's `options` (a type, not an interface, so that `AdapterContext<DemoSaasOptions>` fits the SaasAdapter methods). */
export type DemoSaasOptions = {
  /** where buyers sign in */
  loginUrl: string;
  /** the demo's admin console */
  adminUrl?: string;
  /** the largest plan an instance may move to */
  maxPlan?: number;
};

const TABLE = "demo_saas_accounts";

@injectable()
export class DemoSaasAdapter implements SaasAdapter {
  static readonly kind = "saas" as const;
  static readonly optionsSchema = {
    type: "object",
    additionalProperties: false,
    required: ["loginUrl"],
    properties: {
      loginUrl: { type: "string", pattern: "^https?://" },
      adminUrl: { type: "string", pattern: "^https?://" },
      maxPlan: { type: "integer", minimum: 1 },
    },
  };

  /**
   * `DEMO_SAAS_PROVISION_DELAY_MS` (whole ms, default 0): how long each newInstance takes before it
   * provisions, so that anyone can watch a slow provisioning (and kill the server in the middle of one).
   */
  private readonly provisionDelayMs: number;

  /** `settings.env`: the environment as koogate read it, for the adapter's own variables */
  constructor(
    @inject(DATABASE) private readonly db: Knex,
    @inject(SETTINGS_TOKEN) settings: Settings,
  ) {
    this.provisionDelayMs = provisionDelay(settings.env.DEMO_SAAS_PROVISION_DELAY_MS);
  }

  /** Creates the demo's own table (koogate's tables are koogate's; an adapter keeps its own). */
  async setup(): Promise<void> {
    if (await this.db.schema.hasTable(TABLE)) return;
    await this.db.schema.createTable(TABLE, (t) => {
      t.string("instance_id", 64).primary();
      t.string("product_id", 64).notNullable();
      t.string("user_name", 64).notNullable();
      t.string("password_hash", 200).notNullable();
      t.string("status", 16).notNullable();
      t.integer("plan").notNullable();
      t.bigInteger("expire_at").nullable();
      t.boolean("test").notNullable();
    }).catch(async (e: Error) => {
      // another process created it at the same moment
      if (!(await this.db.schema.hasTable(TABLE))) throw e;
    });
  }

  async newInstance(req: NewInstanceRequest, ctx: AdapterContext<DemoSaasOptions>): Promise<NewInstanceResult> {
    const opts = ctx.options;
    const userName = `demo_${req.instanceId.replace(/[^A-Za-z0-9]/g, "").slice(0, 8).toLowerCase()}`;
    const password = generatePassword();
    if (this.provisionDelayMs > 0) {
      ctx.logger.info("demo provisioning takes a while", { delayMs: this.provisionDelayMs });
      await new Promise((r) => setTimeout(r, this.provisionDelayMs));
    }
    // Safe to repeat for one instanceId (koogate may retry after a crash): the account is replaced.
    await this.db(TABLE)
      .insert({
        instance_id: req.instanceId,
        product_id: ctx.product.id,
        user_name: userName,
        password_hash: await hashPassword(password),
        status: "active",
        plan: 1,
        // known on 1.0 listings (expireTime); 2.0 learns it from refreshInstance
        expire_at: req.expireAt?.getTime() ?? null,
        test: ctx.test,
      })
      .onConflict("instance_id")
      .merge(["password_hash", "status"]);
    // the user name is a credential (it signs in with the password): never in a log line
    ctx.logger.info("demo account provisioned", { test: ctx.test });
    return {
      appInfo: {
        frontEndUrl: `${opts.loginUrl}?tenant=${encodeURIComponent(req.instanceId)}`,
        adminUrl: opts.adminUrl,
        userName,
        password,
        memo: "Change the password at first sign-in.",
      },
    };
  }

  async refreshInstance(req: RefreshInstanceRequest): Promise<void> {
    await this.db(TABLE).where("instance_id", req.instanceId).update({ expire_at: req.expireAt.getTime() });
  }

  async updateInstanceStatus(req: UpdateInstanceStatusRequest): Promise<void> {
    await this.db(TABLE).where("instance_id", req.instanceId).update({ status: req.status === "FREEZE" ? "frozen" : "active" });
  }

  async releaseInstance(req: ReleaseInstanceRequest): Promise<void> {
    await this.db(TABLE).where("instance_id", req.instanceId).delete();
  }

  async upgradeInstance(req: UpgradeInstanceRequest): Promise<void> {
    await this.db(TABLE).where("instance_id", req.instanceId).increment("plan", 1);
  }

  async changeInstanceCheck(req: ChangeInstanceCheckRequest, ctx: AdapterContext<DemoSaasOptions>): Promise<ChangeInstanceCheckResult> {
    const max = ctx.options.maxPlan ?? 3;
    const plan = Number(req.productInfo.plan ?? 1);
    return Number.isInteger(plan) && plan >= 1 && plan <= max ? { accepted: true } : { accepted: false, reason: `plan must be from 1 to ${max}` };
  }
}

function provisionDelay(raw: string | undefined): number {
  if (raw === undefined || raw === "") return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 600_000) {
    throw new SetupError(`DEMO_SAAS_PROVISION_DELAY_MS must be a whole number of milliseconds from 0 to 600000, not "${raw}"`);
  }
  return n;
}

/** 16 characters with upper, lower, digit and symbol, as most password policies want. */
function generatePassword(): string {
  const sets = ["ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz", "23456789", "@#%+=!"];
  const chars = sets.map((s) => s[randomInt(s.length)]!);
  const all = sets.join("");
  while (chars.length < 16) chars.push(all[randomInt(all.length)]!);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join("");
}

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

/** Only a hash is kept; scrypt runs off the event loop, in libuv's thread pool. */
async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString("base64")}$${(await scryptAsync(password, salt, 32)).toString("base64")}`;
}
