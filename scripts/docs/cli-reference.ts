/**
 * docs/reference/cli.md: the CLI reference, generated from the commands' own `--help` (cli-help.ts) by
 * `npm run docs`; test/docs/references.test.ts fails when the committed page differs.
 */
import { cliHelp } from "./cli-help.js";
import { GENERATED_NOTE } from "./markdown.js";

export const CLI_REFERENCE_FILE = "docs/reference/cli.md";

export async function cliReference(): Promise<string> {
  const { main, commands } = await cliHelp();
  const out = [
    "# CLI reference",
    "",
    GENERATED_NOTE,
    "",
    "Exit codes: 0 all good, 1 a check or an expectation failed, 2 a wrong command line.",
    "What each command is for, with examples: [the koogate CLI](../cli.md).",
    "",
    "```text",
    "$ koogate --help",
    main,
    "```",
  ];
  for (const c of commands) {
    out.push("", `## koogate ${c.name}`, "", c.summary, "", "```text", `$ koogate ${c.name} --help`, c.help, "```");
    if (c.scenarios.length === 0) continue;
    out.push("", `### Scenarios of koogate ${c.name}`);
    for (const s of c.scenarios) out.push("", `#### ${s.name}`, "", "```text", s.help, "```");
  }
  return out.join("\n") + "\n";
}
