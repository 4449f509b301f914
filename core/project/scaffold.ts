/**
 * What `koogate init` writes: a merchant project that builds, serves one SaaS listing and tests it with
 * the simulator. The files are plain text so that a reader sees exactly what a new project starts with.
 */

/** The scaffold's adapter class name, product id and key variable. */
export const SCAFFOLD = { adapter: "NotesAppAdapter", product: "notes-app", key: "NOTES_APP_ACCESS_KEY" } as const;

export const CONFIG_TS = `/**
 * The project's koogate config. npm run build compiles it with the adapters (dist/koogate.config.js),
 * and koogate reads that: after changing this file, build again (koogate refuses a stale build).
 */
import { defineConfig } from "koogate";
import { ${SCAFFOLD.adapter} } from "./adapters/notes-app.js";

export default defineConfig({
  // the folder of product definitions (*.yaml), relative to this file; KOOGATE_PRODUCTS wins
  products: "products",
  // the adapter classes products may name (or paths of compiled modules, like "dist/adapters/notes-app.js")
  adapters: [${SCAFFOLD.adapter}],
  // sqlite:<path> (relative to this file) or postgres://user:password@host/db; KOOGATE_DATABASE_URL wins
  database: "sqlite:data/koogate.sqlite",
});
`;

/** The scaffold's config file. */
export const CONFIG_FILE = "koogate.config.ts";

export const PRODUCT_YAML = `# yaml-language-server: $schema=../node_modules/koogate/core/products/product.schema.json
#
# One KooGallery listing. koogate serves it at POST /produce/${SCAFFOLD.product}: register
# https://<your domain>/produce/${SCAFFOLD.product} in the Seller Console as the listing's
# "production system interface address" (koogate check prints it).
# The fields and what the marketplace does with them: node_modules/koogate/docs/marketplace/saas.md
id: ${SCAFFOLD.product}
name: Notes app
kind: saas
# v2: the current SaaS protocol (POST, JSON). v1 is the legacy GET protocol.
protocol: v2
# the adapter class (adapters/notes-app.ts) that creates, renews, freezes and releases accounts
adapter: ${SCAFFOLD.adapter}
keys:
  # The NAME of the environment variable holding the Seller Console's access key, never the key itself.
  # Unset outside production, a public development key stands in (koogate sim uses the same one);
  # with NODE_ENV=production koogate refuses to start without it. Add a second name to rotate keys.
  basic: [${SCAFFOLD.key}]
# appInfo.password is encrypted for the buyer with the access key: 1 = AES-256, 2 = AES-128
encryptType: 1
# checked against NotesAppAdapter.optionsSchema; reaches the adapter as ctx.options
options:
  loginUrl: https://notes.example.com/login
`;

export const ADAPTER_TS = `/**
 * The Notes app's accounts: one per KooGallery instance, in a table of its own in koogate's database.
 * koogate calls these methods once each marketplace call is verified, deduplicated and recorded;
 * throw CallError (from "koogate") to answer with a marketplace result code.
 */
import { randomBytes } from "node:crypto";
import {
  DATABASE,
  LOGGER,
  type AdapterContext,
  type Knex,
  type Logger,
  type NewInstanceRequest,
  type NewInstanceResult,
  type RefreshInstanceRequest,
  type ReleaseInstanceRequest,
  type SaasAdapter,
  type UpdateInstanceStatusRequest,
  type UpgradeInstanceRequest,
} from "koogate";

const TABLE = "notes_app_accounts";

/** the definition's \`options\` (a type, not an interface, so that AdapterContext<Options> fits the SaasAdapter methods) */
type Options = {
  loginUrl: string;
};

export class ${SCAFFOLD.adapter} implements SaasAdapter {
  /** the product kind this class serves */
  static readonly kind = "saas";
  /** what the definition's \`options\` must look like (JSON Schema) */
  static readonly optionsSchema = {
    type: "object",
    additionalProperties: false,
    required: ["loginUrl"],
    properties: { loginUrl: { type: "string", pattern: "^https?://" } },
  };
  /** the constructor's dependencies, in order: koogate passes them (no decorators needed) */
  static readonly inject = [DATABASE, LOGGER];

  constructor(
    private readonly db: Knex,
    private readonly logger: Logger,
  ) {}

  /** Called once at start: the adapter keeps its own table. */
  async setup(): Promise<void> {
    if (await this.db.schema.hasTable(TABLE)) return;
    await this.db.schema.createTable(TABLE, (t) => {
      t.string("instance_id", 64).primary();
      t.string("user_name", 64).notNullable();
      t.string("status", 16).notNullable();
      t.bigInteger("expire_at").nullable();
      t.boolean("test").notNullable();
    });
  }

  async newInstance(req: NewInstanceRequest, ctx: AdapterContext<Options>): Promise<NewInstanceResult> {
    const { loginUrl } = ctx.options;
    const userName = \`notes_\${req.instanceId.replace(/[^A-Za-z0-9]/g, "").slice(0, 8).toLowerCase()}\`;
    // koogate may call again for the same instanceId after a crash: make it safe to repeat
    await this.db(TABLE)
      .insert({ instance_id: req.instanceId, user_name: userName, status: "active", expire_at: req.expireAt?.getTime() ?? null, test: ctx.test })
      .onConflict("instance_id")
      .merge(["status"]);
    this.logger.info("notes account created", { userName, test: ctx.test });
    return { appInfo: { frontEndUrl: loginUrl, userName, password: randomBytes(12).toString("base64url") } };
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

  async upgradeInstance(_req: UpgradeInstanceRequest): Promise<void> {
    // one plan only: nothing changes
  }
}
`;

export const TEST_TS = `/**
 * The listing, driven as KooGallery drives it: koogate/testing starts this project's server on a
 * temporary database and the simulator signs and sends every call, checking each answer as the
 * marketplace would. Run with \`npm test\`.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startProject, type TestKoogate } from "koogate/testing";

describe("the ${SCAFFOLD.product} listing", () => {
  let koogate: TestKoogate;
  before(async () => {
    koogate = await startProject();
  });
  after(() => koogate.close());

  it("passes the marketplace's lifecycle: buy, renew, freeze, unfreeze, upgrade, release", async () => {
    const report = await koogate.sim("${SCAFFOLD.product}", "lifecycle");
    assert.deepEqual(report.failures, []);
    assert.equal(report.passed, true);
  });

  it("records each call in the event log", async () => {
    const events = await koogate.events({ product: "${SCAFFOLD.product}" });
    assert.ok(events.some((e) => e.activity === "newInstance" && e.resultCode === "000000"));
  });
});
`;

export const TSCONFIG_JSON = `{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "outDir": "dist",
    "rootDir": ".",
    "strict": true,
    "skipLibCheck": true,
    "sourceMap": true,
    "types": ["node"]
  },
  "include": ["koogate.config.ts", "adapters/**/*.ts", "test/**/*.ts"]
}
`;

export const GITIGNORE = `node_modules/
dist/
data/
`;

/** npm scripts added to the project's package.json when it has none of that name. */
export const SCRIPTS: Record<string, string> = {
  build: "tsc",
  prestart: "npm run build",
  start: "koogate serve",
  pretest: "npm run build",
  test: "node --test dist/test/",
  check: "npm run build && koogate check",
};

/** Every file of the scaffold, by path. */
export const FILES: Record<string, string> = {
  [CONFIG_FILE]: CONFIG_TS,
  [`products/${SCAFFOLD.product}.yaml`]: PRODUCT_YAML,
  "adapters/notes-app.ts": ADAPTER_TS,
  "test/listing.test.ts": TEST_TS,
  "tsconfig.json": TSCONFIG_JSON,
  ".gitignore": GITIGNORE,
};
