/**
 * `koogate init`: scaffolds a merchant project in the working directory (core/project/scaffold.ts):
 * the config, one commented SaaS definition, one TypeScript adapter, a first test, tsconfig, npm
 * scripts. It never overwrites a file: an existing one is kept and reported; package.json only gains
 * the fields and scripts it lacks. Then it installs the build's tools (typescript, @types/node).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { CONFIG_FILES } from "../../core/project/index.js";
import { CONFIG_FILE, FILES, SCAFFOLD, SCRIPTS } from "../../core/project/scaffold.js";
import { EXIT, optionLines, parse, type Io } from "../../core/cli/args.js";

const OPTIONS = {
  "no-install": { type: "boolean", description: "write the files only; do not run npm install for typescript and @types/node" },
} as const;

export const initHelp = [
  "Usage: koogate init [--no-install]",
  "",
  "Scaffolds a koogate project here (after npm install koogate): koogate.config.ts, products/, adapters/",
  "(one TypeScript adapter), test/, tsconfig.json and the npm scripts build, start, test. Never overwrites",
  "a file. Then: npm run build && npx koogate serve, and in another terminal npx koogate sim " + SCAFFOLD.product + " lifecycle.",
  "",
  ...optionLines({ ...OPTIONS, help: { type: "boolean", description: "show this help" } }),
].join("\n");

/** The versions of the build tools: koogate's own (its package.json devDependencies). */
function toolVersions(): string[] {
  const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { devDependencies?: Record<string, string> };
  const dev = pkg.devDependencies ?? {};
  return ["typescript", "@types/node"].map((name) => (dev[name] ? `${name}@${dev[name]}` : name));
}

export async function init(argv: string[], io: Io, cwd = process.cwd()): Promise<number> {
  const { values } = parse(argv, OPTIONS, false);
  if (values.help) {
    io.out(initHelp);
    return EXIT.ok;
  }
  const otherConfig = CONFIG_FILES.find((f) => f !== CONFIG_FILE && existsSync(join(cwd, f)));
  for (const [path, text] of Object.entries(FILES)) {
    const file = join(cwd, path);
    if (path === CONFIG_FILE && otherConfig) {
      io.out(`kept     ${otherConfig} (the project's config; ${CONFIG_FILE} not written)`);
      continue;
    }
    if (existsSync(file)) {
      io.out(`kept     ${path} (exists)`);
      continue;
    }
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text, { flag: "wx" });
    io.out(`created  ${path}`);
  }
  io.out(updatePackageJson(cwd));
  if (!values["no-install"]) {
    const tools = toolVersions();
    io.out(`running  npm install --save-dev ${tools.join(" ")}`);
    const r = spawnSync("npm", ["install", "--save-dev", "--no-audit", "--no-fund", ...tools], { cwd, stdio: ["ignore", "inherit", "inherit"], shell: process.platform === "win32" });
    if (r.status !== 0) {
      io.err(`koogate init: npm install failed; run it yourself: npm install --save-dev ${tools.join(" ")}`);
      return EXIT.failed;
    }
  }
  io.out("");
  io.out("Next: npm run build && npx koogate serve");
  io.out(`      then, in another terminal: npx koogate sim ${SCAFFOLD.product} lifecycle     (and npm test)`);
  return EXIT.ok;
}

/** Adds `"type": "module"` and the scripts package.json lacks; never changes a value it has. */
function updatePackageJson(cwd: string): string {
  const file = join(cwd, "package.json");
  const exists = existsSync(file);
  const pkg = exists ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>) : { name: basename(cwd).toLowerCase().replace(/[^a-z0-9._-]/g, "-"), version: "0.1.0", private: true };
  const added: string[] = [];
  if (pkg.type === undefined) {
    pkg.type = "module";
    added.push('"type": "module"');
  }
  const scripts = (pkg.scripts ?? {}) as Record<string, string>;
  for (const [name, command] of Object.entries(SCRIPTS)) {
    if (scripts[name] !== undefined) continue;
    scripts[name] = command;
    added.push(`scripts.${name}`);
  }
  pkg.scripts = scripts;
  const note = pkg.type !== "module" ? ` (note: "type" is "${String(pkg.type)}"; the scaffold's TypeScript compiles to ES modules only with "type": "module")` : "";
  if (added.length === 0) return `kept     package.json (has every script)${note}`;
  writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
  return `${exists ? "updated " : "created "} package.json (${added.join(", ")})${note}`;
}
