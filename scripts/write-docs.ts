/**
 * `npm run docs`: writes the generated reference pages of docs/reference/ from the code — the CLI
 * reference from the commands' own help, the product YAML reference from the JSON Schema, the public
 * API reference from the build's declaration files. test/docs/references.test.ts fails when a
 * committed page differs from what this writes.
 */
import "reflect-metadata";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { API_REFERENCE_FILE, apiReference } from "./docs/api-reference.js";
import { CLI_REFERENCE_FILE, cliReference } from "./docs/cli-reference.js";
import { YAML_REFERENCE_FILE, yamlReference } from "./docs/yaml-reference.js";
import { SCHEMA_FILE } from "./write-schema.js";

/** The repository's root, from dist/scripts/. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The build's output folder, holding the declaration files. */
export const DIST = fileURLToPath(new URL("../", import.meta.url));

/** Each generated page and how to make its text. */
export const GENERATED: readonly { file: string; text: () => Promise<string> }[] = [
  { file: CLI_REFERENCE_FILE, text: cliReference },
  { file: YAML_REFERENCE_FILE, text: async () => yamlReference(JSON.parse(readFileSync(ROOT + SCHEMA_FILE, "utf8"))) },
  { file: API_REFERENCE_FILE, text: async () => apiReference(DIST, JSON.parse(readFileSync(ROOT + "package.json", "utf8"))) },
];

if (process.argv[1]?.endsWith("write-docs.js")) {
  for (const g of GENERATED) {
    writeFileSync(ROOT + g.file, await g.text());
    process.stdout.write(`wrote ${g.file}\n`);
  }
}
