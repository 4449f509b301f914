/**
 * The settings module (core/settings/): every variable read once into one frozen object, every problem
 * reported at once, defaults written once in the table, related timings derived from one another, and
 * `koogate check` printing what is used with secrets masked.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { main } from "../../../bin/cli.js";
import { readSettings, SETTING_TABLE, SettingsError, type SettingRow } from "../../../core/settings/index.js";
import { benchSettings, testDatabaseServer } from "../../../core/settings/tools.js";
import { ADAPTER_BUDGET_MS, ANSWER_DEADLINE_MS, MARKETPLACE_CALL_TIMEOUT_MS, ONCE_WAIT_MS, PROVISIONING_DEADLINE_MS, QUERY_TIMEOUT_MS } from "../../../core/settings/timings.js";
import { ANSWER_DEADLINE_MS as PIPELINE_DEADLINE } from "../../../core/serving/pipeline.js";
import { WAIT_BUDGET_MS } from "../../../core/serving/once.js";
import { DEFAULT_PROVISIONING } from "../../../core/outbox/provisioning.js";
import { productYaml } from "../../support/server.js";

const SECRET = "a-secret-token-of-24-chars";

describe("the settings module", () => {
  it("reports every unusable setting at once: the variable, the value given and what is expected", () => {
    let error: unknown;
    try {
      readSettings({ PORT: "http", KOOGATE_LOG_LEVEL: "loud", KOOGATE_ALERT_WEBHOOK: "ftp://hooks.example/x", KOOGATE_RECONCILE_AT: "25:00" });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(SettingsError);
    const message = (error as Error).message;
    expect(message).to.include("4 settings cannot be used");
    expect(message).to.include('PORT="http": must be a whole number from 0 to 65535');
    expect(message).to.include('KOOGATE_LOG_LEVEL="loud": must be one of debug, info, warn, error, silent');
    expect(message).to.include('KOOGATE_RECONCILE_AT="25:00": must be a UTC time HH:MM');
    // a secret's value is never repeated, even a wrong one
    expect(message).to.include("KOOGATE_ALERT_WEBHOOK: must be an http:// or https:// URL");
    expect(message).to.not.include("hooks.example");
  });

  it("never repeats a secret in a problem: a short token is named, not shown", () => {
    expect(() => readSettings({ KOOGATE_OPS_TOKEN: "short-secret" })).to.throw(SettingsError, /^KOOGATE_OPS_TOKEN: must be at least 16 characters/).and.satisfy((e: Error) => !e.message.includes("short-secret"));
  });

  it("reads every bounded variable of the table: each one out of its bounds is a problem naming it", () => {
    const bounded = (SETTING_TABLE as readonly SettingRow[]).filter((r) => r.min !== undefined);
    expect(bounded.length).to.be.greaterThan(20);
    for (const row of bounded) {
      const env = { [row.variable]: String(row.max! + 1) };
      const read = row.part === "bench" ? () => benchSettings(env) : () => readSettings(env);
      expect(read, row.variable).to.throw(SettingsError, new RegExp(`^${row.variable}=`));
    }
  });

  it("uses each row's default when its variable is unset, and every default lies within its bounds", () => {
    const s = readSettings({}, { stderrIsTTY: false });
    const row = (v: string) => SETTING_TABLE.find((r) => r.variable === v) as SettingRow;
    expect(s.server.port).to.equal(row("PORT").default);
    expect(s.server.databaseUrl).to.equal(row("KOOGATE_DATABASE_URL").default);
    expect(s.marketplace.maxAnswerBytes).to.equal(row("KOOGATE_MARKETPLACE_MAX_ANSWER_BYTES").default);
    expect(s.ops.provisioningDeadlineMs).to.equal(PROVISIONING_DEADLINE_MS);
    for (const r of SETTING_TABLE as readonly SettingRow[]) {
      if (typeof r.default === "number" && r.min !== undefined) expect(r.default, r.variable).to.be.within(r.min, r.max!);
    }
    expect(testDatabaseServer({})).to.equal(undefined);
  });

  it("is one frozen object: no part of koogate can change a setting another reads", () => {
    const s = readSettings({ PORT: "9000", SOME_KEY: "k" }, { stderrIsTTY: false });
    for (const part of [s, s.server, s.ops, s.marketplace, s.env]) expect(Object.isFrozen(part)).to.equal(true);
    expect(() => ((s.server as { port: number }).port = 1)).to.throw(TypeError);
    expect(s.env.SOME_KEY).to.equal("k");
  });

  it("derives the once-wait and the adapter budget from the answer deadline, and the deadline from the marketplace's 5 s", () => {
    expect(MARKETPLACE_CALL_TIMEOUT_MS).to.equal(5000);
    expect([ANSWER_DEADLINE_MS, ONCE_WAIT_MS, ADAPTER_BUDGET_MS, QUERY_TIMEOUT_MS]).to.deep.equal([4500, 4000, 3000, 3000]);
    // the modules that use them take them from there
    expect(PIPELINE_DEADLINE).to.equal(ANSWER_DEADLINE_MS);
    expect(WAIT_BUDGET_MS).to.equal(ONCE_WAIT_MS);
    expect(DEFAULT_PROVISIONING.budgetMs).to.equal(ADAPTER_BUDGET_MS);
    // a resend waiting for its first delivery is answered before the deadline, which is before the marketplace gives up
    expect(ADAPTER_BUDGET_MS).to.be.below(ONCE_WAIT_MS);
    expect(ONCE_WAIT_MS).to.be.below(ANSWER_DEADLINE_MS);
    expect(ANSWER_DEADLINE_MS).to.be.below(MARKETPLACE_CALL_TIMEOUT_MS);
  });
});

describe("koogate check prints the effective settings", () => {
  const dir = mkdtempSync(join(tmpdir(), "koogate-settings-"));
  mkdirSync(join(dir, "products"));
  writeFileSync(join(dir, "products", "s.yaml"), productYaml("settings-saas"));
  const adapters = fileURLToPath(new URL("../../../adapters/demo-saas.js", import.meta.url));
  writeFileSync(join(dir, "koogate.config.json"), JSON.stringify({ products: join(dir, "products"), adapters: [adapters], database: "postgres://koogate:db-password@db.example/koogate" }));

  async function check(env: Record<string, string>, json = false): Promise<{ code: number; out: string }> {
    const out: string[] = [];
    const code = await main(["check", ...(json ? ["--json"] : [])], { out: (l) => out.push(l), err: (l) => out.push(l), env: { KOOGATE_CONFIG: join(dir, "koogate.config.json"), ...env } });
    return { code, out: out.join("\n") };
  }

  it("shows each variable with the value used and where it comes from; a secret only as ***", async () => {
    const r = await check({ PORT: "9001", KOOGATE_OPS_TOKEN: SECRET, TEST_BASIC_KEY: SECRET, KOOGATE_LOG_FORMAT: "json" });
    expect(r.code).to.equal(0);
    expect(r.out).to.match(/^ {2}PORT +9001 {2}\(environment\)$/m);
    expect(r.out).to.match(/^ {2}KOOGATE_OPS_TOKEN +\*\*\* {2}\(environment\)$/m);
    expect(r.out).to.match(/^ {2}KOOGATE_IDLE_TIMEOUT_MS +5000 {2}\(default\)$/m);
    expect(r.out).to.match(/^ {2}KOOGATE_METRICS_TOKEN +not set$/m);
    // the project file's database, without its password
    expect(r.out).to.match(/^ {2}KOOGATE_DATABASE_URL +postgres:\/\/…@db\.example\/koogate {2}\(project file\)$/m);
    expect(r.out).to.not.include(SECRET);
    expect(r.out).to.not.include("db-password");
  });

  it("gives the same rows in --json", async () => {
    const r = await check({ KOOGATE_METRICS_TOKEN: SECRET }, true);
    const rows = (JSON.parse(r.out) as { settings: { variable: string; value: string; source: string }[] }).settings;
    expect(rows.find((s) => s.variable === "KOOGATE_METRICS_TOKEN")).to.deep.include({ value: "***", source: "environment" });
    expect(rows.find((s) => s.variable === "KOOGATE_RETENTION_DAYS")).to.deep.include({ value: "90", source: "default" });
    expect(r.out).to.not.include(SECRET);
  });
});
