/**
 * `npm run schema`: writes core/products/product.schema.json, the schema editors read for product
 * definitions, from the registered kinds. A test fails when the committed file is out of date.
 */
import "reflect-metadata";
import { writeFileSync } from "node:fs";
import { KINDS } from "../core/kinds/index.js";
import { editorSchema } from "../core/products/schema.js";

export const SCHEMA_FILE = "core/products/product.schema.json";

export function schemaText(): string {
  return JSON.stringify(editorSchema(KINDS), null, 2) + "\n";
}

if (process.argv[1]?.endsWith("write-schema.js")) {
  writeFileSync(SCHEMA_FILE, schemaText());
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
