/**
 * The JSON Schema of product definitions, composed from the fields every definition has and the
 * fields each registered kind adds. Validation runs in two passes, so that a misspelt field is still
 * refused with "a typo?": first `kind` alone, then the whole definition against its kind's complete
 * schema with `additionalProperties: false` (draft-07 does not see properties declared inside
 * `if`/`then`, so one schema with conditional parts would let typos through).
 */
import type { Kind } from "../kinds/kind.js";
import { keyTypeDescriptions } from "../kinds/registry.js";

const keyList = {
  type: "array",
  minItems: 1,
  maxItems: 4,
  uniqueItems: true,
  items: { type: "string", pattern: "^[A-Z_][A-Z0-9_]*$" },
};

/**
 * The fields every definition has; `kind` lists the kinds this server knows, `keys` every key type of
 * `kinds` (the core's and each kind's, with its description): a listing may list one its interfaces do not use.
 */
export function baseProperties(kindNames: readonly string[], kinds: readonly Kind[]): Record<string, object> {
  return {
    id: {
      description: "URL slug: the listing's production URL is /produce/<id>.",
      type: "string",
      pattern: "^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$",
    },
    name: { description: "Human-readable name, for logs and `koogate check`.", type: "string", minLength: 1, maxLength: 200 },
    kind: { description: "KooGallery delivery kind.", enum: kindNames },
    adapter: {
      description: "Name of the adapter class that serves this listing.",
      type: "string",
      pattern: "^[A-Za-z_$][A-Za-z0-9_$]*$",
    },
    keys: {
      description:
        "Environment-variable names holding each interface's key. The first name of a list is required; later names are optional extra keys accepted during a rotation. Which types a listing needs depends on its kind.",
      type: "object",
      additionalProperties: false,
      properties: Object.fromEntries(Object.entries(keyTypeDescriptions(kinds)).map(([t, description]) => [t, { ...keyList, description }])),
    },
    options: { description: "Free settings for the adapter, validated by the adapter's own optionsSchema.", type: "object" },
  };
}

/**
 * `keys` may be left out: a kind whose interfaces need a key type says so (`Kind.keyTypes`) and the
 * loader names the missing list. `adapter` may be left out where the kind allows (`Kind.adapterOptional`).
 */
const BASE_REQUIRED = ["id", "name", "kind", "adapter"];

function requiredOf(kind: Kind): string[] {
  return [...BASE_REQUIRED.filter((f) => !(f === "adapter" && kind.adapterOptional)), ...(kind.schema.required ?? [])];
}

/** The first pass: only `kind`, among the registered kinds. */
export function kindSchema(kinds: readonly Kind[]): object {
  return { type: "object", required: ["kind"], properties: { kind: { enum: kinds.map((k) => k.name) } } };
}

/** The complete draft-07 schema of one kind's definitions among `kinds`: unknown fields refused. */
export function definitionSchema(kind: Kind, kinds: readonly Kind[]): Record<string, unknown> {
  return {
    type: "object",
    additionalProperties: false,
    required: requiredOf(kind),
    properties: { ...baseProperties([kind.name], kinds), ...kind.schema.properties },
  };
}

/**
 * The schema an editor reads (`# yaml-language-server: $schema=…` at the top of a definition): one
 * complete schema per kind, chosen by `kind`. Written to core/products/product.schema.json by
 * `npm run schema`; a test fails when the committed file and the registry drift apart.
 */
export function editorSchema(kinds: readonly Kind[]): Record<string, unknown> {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: "https://koogate.dev/schema/product.schema.json",
    title: "koogate product definition",
    description: "One KooGallery listing served by koogate. Secrets are named by environment variable, never written here.",
    type: "object",
    required: BASE_REQUIRED.filter((f) => f !== "adapter"),
    properties: { kind: { description: "KooGallery delivery kind.", enum: kinds.map((k) => k.name) } },
    oneOf: kinds.map((k) => ({ ...definitionSchema(k, kinds), properties: { ...(definitionSchema(k, kinds).properties as object), kind: { const: k.name } } })),
  };
}
