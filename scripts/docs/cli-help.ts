/**
 * The koogate CLI as its own `--help` describes it, read in-process through bin/cli.ts's `main`: the
 * commands (`koogate --help`), each command's help, and `koogate sim`'s scenarios with each scenario's
 * help. The CLI reference is generated from this, and the docs' command lines are checked against it,
 * so neither can say what the help does not.
 */
import { main } from "../../bin/cli.js";

export interface ScenarioHelp {
  name: string;
  summary: string;
  help: string;
}

export interface CommandHelp {
  name: string;
  summary: string;
  help: string;
  /** `koogate sim` only: its scenarios. */
  scenarios: ScenarioHelp[];
}

/** What `koogate <argv>` prints on stdout (stderr is dropped). */
export async function helpText(argv: string[]): Promise<string> {
  const out: string[] = [];
  await main(argv, { out: (line) => void out.push(line), err: () => {}, env: {} });
  return out.join("\n");
}

/** The `name  summary` lines under a heading such as `Commands:` of a help text. */
export function listedUnder(help: string, heading: string): { name: string; summary: string }[] {
  const lines = help.split("\n");
  const start = lines.indexOf(heading);
  if (start < 0) return [];
  const items: { name: string; summary: string }[] = [];
  for (const line of lines.slice(start + 1)) {
    const m = /^ {2}(\S+)\s+(.*)$/.exec(line);
    if (!m) break;
    items.push({ name: m[1]!, summary: m[2]! });
  }
  return items;
}

/** Every command with its help, and the scenarios of `sim`. */
export async function cliHelp(): Promise<{ main: string; commands: CommandHelp[] }> {
  const mainText = await helpText(["--help"]);
  const commands: CommandHelp[] = [];
  for (const { name, summary } of listedUnder(mainText, "Commands:")) {
    const help = await helpText([name, "--help"]);
    const scenarios: ScenarioHelp[] = [];
    for (const s of listedUnder(help, "Scenarios:")) scenarios.push({ ...s, help: await helpText([name, "<product>", s.name, "--help"]) });
    commands.push({ name, summary, help, scenarios });
  }
  return { main: mainText, commands };
}

/** The `--options` a help text names. */
export function flagsOf(help: string): Set<string> {
  return new Set([...help.matchAll(/(?<![\w-])--[a-z][a-z0-9-]*/g)].map((m) => m[0]));
}
