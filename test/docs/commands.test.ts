/**
 * Issue 23, "every command in the docs checked against the CLI's help": each `koogate …` command line
 * of README*.md and docs/**\/*.md names a command `koogate --help` lists, a `koogate sim` scenario
 * `koogate sim --help` lists, and only options the command's (or the scenario's) own help names.
 */
import { expect } from "chai";
import { cliHelp, flagsOf, type CommandHelp } from "../../scripts/docs/cli-help.js";
import { commandLines } from "./command-lines.js";
import { docPages, read } from "./support.js";

/** A word that stands for a value: `<product>`, `…`, `P`, `$ID`. */
const placeholder = (w: string) => /^<.*>$|…|^\$|^[A-Z]$|^\.\.\.$/.test(w);

describe("the koogate commands the documentation shows", () => {
  let commands: Map<string, CommandHelp>;
  before(async () => {
    commands = new Map((await cliHelp()).commands.map((c) => [c.name, c]));
  });

  /** What is wrong with one command line, or nothing. */
  function problems(words: string[]): string[] {
    const [name, ...rest] = words as [string, ...string[]];
    if (name === "--help" || name === "--version" || placeholder(name)) return [];
    const command = commands.get(name === "start" ? "serve" : name);
    if (!command) return [`no command "${name}" (koogate --help: ${[...commands.keys()].join(", ")})`];
    let help = command.help;
    if (command.scenarios.length > 0) {
      const positionals = rest.filter((w) => !w.startsWith("-"));
      if (positionals.length === 1 && !rest.includes("--help")) return [`koogate ${name} takes a product and a scenario: koogate ${name} <product> <scenario>`];
      const scenarioWord = positionals[1];
      const scenario = command.scenarios.find((s) => s.name === scenarioWord);
      if (scenarioWord !== undefined && !placeholder(scenarioWord) && !scenario) return [`no scenario "${scenarioWord}" of koogate ${name}`];
      if (scenario) help = scenario.help;
    }
    const flags = new Set([...flagsOf(help), "--help"]);
    return rest
      .filter((w) => w.startsWith("--"))
      .map((w) => w.replace(/=.*$/, ""))
      .filter((f) => !flags.has(f))
      .map((f) => `koogate ${name} has no option ${f}`);
  }

  for (const page of docPages()) {
    it(`${page}: every koogate command names a real command, scenario and options`, () => {
      const wrong = commandLines(read(page)).flatMap((c) => problems(c.words).map((p) => `${page}:${c.line} \`${c.text}\`: ${p}`));
      expect(wrong).to.deep.equal([]);
    });
  }
});

describe("the CLI page (docs/cli.md)", () => {
  it("has a row for every command koogate --help lists and every scenario koogate sim --help lists", async () => {
    const page = read("docs/cli.md");
    const rows = page.split("\n").filter((l) => l.startsWith("| `"));
    const named = new Set(rows.flatMap((l) => [...l.split("|")[1]!.matchAll(/`(?:koogate )?([\w-]+)/g)].map((m) => m[1]!)));
    const { commands } = await cliHelp();
    const missing = commands.flatMap((c) => [c.name, ...c.scenarios.map((s) => s.name)]).filter((n) => !named.has(n));
    expect(missing).to.deep.equal([]);
  });
});
