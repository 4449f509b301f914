/**
 * The image kind (docs/marketplace/api-image-openapi.md §7). No KooGallery interface calls a merchant
 * for an image — not even order notification, which excludes images (§5) — so an image listing has
 * no endpoint: koogate checks its facts at start and in `koogate check`, logs them, and serves nothing.
 */
import { defineKind } from "../kind.js";
import { checkPairings, loadImageProduct, type ImageDefinition, type ImageProduct } from "./product.js";
import { IMAGE_SCHEMA } from "./schema.js";

export const imageKind = defineKind<ImageProduct, undefined>({
  name: "image",
  summary: "an image listing: asset versions, regions, pricing, ports and sign-in checked and kept; nothing is served (no interface exists)",
  schema: IMAGE_SCHEMA,
  keyTypes: () => [],
  load: (def, base) => loadImageProduct(def as ImageDefinition, base),
  adapterMethods: [],
  adapterOptional: true,
  checkAll: (own, all) => checkPairings(own, all),
  // nothing to serve: order notification and every other interface are refused (404) for images (§5, §7)
  endpoints: () => [],
  describe: (p) => ({
    endpoints: [],
    facts: [
      `pricing ${p.pricing.mode}${p.pricing.price ? ` ${p.pricing.price}` : ""}`,
      `versions ${p.versions.map((v) => `${v.version} (${v.regions.join(" ")})`).join(", ")}`,
      `ports ${p.ports.map((x) => `${x.port}/${x.protocol}`).join(" ") || "none"}`,
      `login ${p.login.method}${p.login.user ? ` as ${p.login.user}` : ""}`,
      ...(p.license ? [`paired with License listing ${p.license}`] : []),
      "serves nothing; order notification refused (docs/marketplace/api-image-openapi.md §5)",
    ],
  }),
});
