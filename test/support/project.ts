/**
 * Merchant projects written by a test: a temporary folder with a koogate config, product definitions
 * and plain-JavaScript adapter modules, as a merchant's build would leave them.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A plain-JavaScript SaaS adapter without decorators, keeping its accounts in koogate's database. */
export const PLAIN_ADAPTER_JS = `
const DATABASE = Symbol.for("koogate.Database");
export class NotesAppAdapter {
  static kind = "saas";
  static inject = [DATABASE];
  constructor(db) { this.db = db; }
  async setup() {
    if (!(await this.db.schema.hasTable("notes_accounts"))) await this.db.schema.createTable("notes_accounts", (t) => { t.string("instance_id", 64).primary(); t.string("status", 16); });
  }
  async newInstance(req) { await this.db("notes_accounts").insert({ instance_id: req.instanceId, status: "active" }).onConflict("instance_id").ignore(); return { appInfo: { frontEndUrl: "https://notes.example.test/" } }; }
  async refreshInstance() {}
  async updateInstanceStatus(req) { await this.db("notes_accounts").where("instance_id", req.instanceId).update({ status: req.status }); }
  async releaseInstance(req) { await this.db("notes_accounts").where("instance_id", req.instanceId).update({ status: "released" }); }
  async upgradeInstance() {}
}
`;

export const NOTES_YAML = ["id: notes", "name: Notes", "kind: saas", "adapter: NotesAppAdapter", "keys:", "  basic: [NOTES_KEY]"].join("\n");

/** Writes `files` (path → text) into a fresh folder marked as an ES-module package; returns the folder. */
export function writeProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "koogate-project-"));
  const all: Record<string, string> = { "package.json": JSON.stringify({ name: "merchant", type: "module" }), ...files };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** A config naming `adapters` (default the one module dist/adapters/notes.js). */
export function configJson(adapters: string[] = ["dist/adapters/notes.js"], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ products: "products", adapters, ...extra });
}
