/**
 * A stand-in for the License kind, for the image pairing tests while that kind is built on its own
 * branch: a `kind: license` listing that loads and serves nothing. Only its name matters here — the
 * pairing check asks `kind === "license"` of the product named.
 */
import { defineKind, type Kind } from "../../core/kinds/kind.js";

export const fixtureLicenseKind: Kind = defineKind({
  name: "license",
  summary: "a test stand-in for License listings",
  schema: { properties: {} },
  keyTypes: () => [],
  load: (_def, base) => base,
  adapterMethods: [],
  adapterOptional: true,
  endpoints: () => [],
  describe: () => ({ endpoints: [], facts: [] }),
});

export const licenseYaml = (id: string) => [`id: ${id}`, `name: Licence ${id}`, "kind: license"].join("\n");
