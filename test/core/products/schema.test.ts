import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { expect } from "chai";
import { parse } from "yaml";
import { KINDS } from "../../../core/kinds/index.js";
import { definitionSchema, editorSchema } from "../../../core/products/schema.js";
import { keyTypes } from "../../../core/kinds/registry.js";
import { ENCRYPT_TYPES } from "../../../core/vocabulary.js";
import { SAAS_PROTOCOLS } from "../../../core/kinds/saas/vocabulary.js";
import { SCHEMA_FILE, schemaText } from "../../../scripts/write-schema.js";

describe("the product-definition schema", () => {
  it("is committed as the registry makes it (run npm run schema after changing a kind)", () => {
    expect(readFileSync(SCHEMA_FILE, "utf8")).to.equal(schemaText());
  });

  it("takes its enums from the closed vocabularies", () => {
    const saas = definitionSchema(KINDS.find((k) => k.name === "saas")!, KINDS) as { properties: Record<string, { enum?: unknown[]; properties?: Record<string, unknown> }> };
    expect(saas.properties.protocol!.enum).to.deep.equal([...SAAS_PROTOCOLS]);
    expect(saas.properties.encryptType!.enum).to.deep.equal([...ENCRYPT_TYPES]);
    expect(Object.keys(saas.properties.keys!.properties!)).to.deep.equal([...keyTypes(KINDS)]).and.include.members(["basic", "general", "kit", "license"]);
    expect((editorSchema(KINDS).properties as { kind: { enum: string[] } }).kind.enum).to.deep.equal(KINDS.map((k) => k.name));
  });

  it("lets an editor accept the shipped definitions and catch a misspelt field", () => {
    const validate = new Ajv({ strict: false }).compile(editorSchema(KINDS));
    const demo = parse(readFileSync("products/demo-saas.yaml", "utf8")) as Record<string, unknown>;
    expect(validate(demo), JSON.stringify(validate.errors)).to.equal(true);
    expect(validate({ ...demo, encrytType: 1 })).to.equal(false);
  });
});
