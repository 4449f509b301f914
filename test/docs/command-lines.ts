/**
 * The `koogate …` command lines a Markdown page shows: in shell code blocks, lines (or parts after
 * `&&`, `;`, `|`) that run `koogate` or `npx koogate`, environment assignments first allowed; in the
 * prose, code spans that start with `koogate ` or `npx koogate `. Output lines (a `koogate sim` report's
 * header, an error message) do not start with the command and are not taken.
 */
export interface CommandLine {
  line: number;
  /** The words after `koogate`, up to a comment, `→` or the end of the command. */
  words: string[];
  text: string;
}

const ASSIGNMENT = /^[A-Z_][A-Z0-9_]*=("[^"]*"|'[^']*'|\S*)$/;
/** Fences whose every line is a command; in `text` and `console` fences only lines after a `$ ` prompt are. */
const SHELL_FENCES = new Set(["", "sh", "bash", "shell"]);
const PROMPT_FENCES = new Set(["text", "console"]);

/** Words of a command: quotes kept together, `[`/`]` around optional parts dropped. */
function split(text: string): string[] {
  const words = text.match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
  return words.map((w) => w.replace(/^\[+|\]+$/g, "")).filter((w) => w !== "");
}

/** The words after `koogate` when `segment` runs it, else undefined. */
function invocation(segment: string): string[] | undefined {
  const words = split(segment);
  let i = 0;
  while (i < words.length && ASSIGNMENT.test(words[i]!)) i++;
  if (words[i] === "npx") i++;
  if (words[i] !== "koogate" || !/^(?:[a-z][a-z-]*|--[a-z-]+|<[^>]+>)$/.test(words[i + 1] ?? "")) return undefined;
  const rest: string[] = [];
  for (const w of words.slice(i + 1)) {
    if (w.startsWith("#") || w === "→" || w === "&") break;
    rest.push(w);
  }
  return rest.length ? rest : undefined;
}

export function commandLines(markdown: string): CommandLine[] {
  const out: CommandLine[] = [];
  let fence: { marker: string; kind: "shell" | "prompt" | "other" } | undefined;
  markdown.split("\n").forEach((line, i) => {
    const m = /^\s*(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
    if (m) {
      if (!fence) fence = { marker: m[1]!, kind: SHELL_FENCES.has(m[2]!) ? "shell" : PROMPT_FENCES.has(m[2]!) ? "prompt" : "other" };
      else if (m[1]!.startsWith(fence.marker)) fence = undefined;
      return;
    }
    const prompted = /^\s*\$\s+(.*)$/.exec(line)?.[1];
    const shell = fence?.kind === "shell" ? line : fence?.kind === "prompt" ? prompted : undefined;
    const texts = fence ? (shell !== undefined ? shell.replace(/^\s*\$\s+/, "").split(/&&|;|\|(?!\|)/) : []) : [...line.matchAll(/`((?:npx )?koogate [^`]+)`/g)].map((s) => s[1]!);
    for (const text of texts) {
      const words = invocation(text.trim());
      if (words) out.push({ line: i + 1, words, text: text.trim() });
    }
  });
  return out;
}
