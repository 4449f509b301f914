/**
 * The built-in product kinds, one registration line each. The kernel, the server, the loader and the
 * CLI read the registry (core/kinds/registry.ts); adding a kind is a folder under core/kinds/ plus a
 * `registerKind` line, here or in the merchant's (or a test's) own code.
 */
import { apiKind } from "./api/index.js";
import type { ApiProduct } from "./api/product.js";
import { imageKind } from "./image/index.js";
import type { ImageProduct } from "./image/product.js";
import { licenseKind } from "./license/index.js";
import type { LicenseProduct } from "./license/product.js";
import { KINDS, registerKind } from "./registry.js";
import { saasKind } from "./saas/index.js";
import type { SaasProduct } from "./saas/product.js";

registerKind(saasKind);
registerKind(licenseKind);
registerKind(apiKind);
registerKind(imageKind);

export { KINDS, registerKind };

/** A loaded product of any built-in kind. */
export type Product = SaasProduct | LicenseProduct | ApiProduct | ImageProduct;
