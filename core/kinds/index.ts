/**
 * The registry of product kinds: one line per kind. The kernel, the server, the loader and the CLI
 * loop over it; adding a kind is a folder under core/kinds/ plus a line here.
 */
import type { Kind } from "./kind.js";
import { apiKind } from "./api/index.js";
import type { ApiProduct } from "./api/product.js";
import { imageKind } from "./image/index.js";
import type { ImageProduct } from "./image/product.js";
import { licenseKind } from "./license/index.js";
import type { LicenseProduct } from "./license/product.js";
import { saasKind } from "./saas/index.js";
import type { SaasProduct } from "./saas/product.js";

export const KINDS: readonly Kind[] = [saasKind, licenseKind, apiKind, imageKind];

/** The kinds this build serves (the others of PRODUCT_KINDS are refused at start as not yet supported). */
export const SUPPORTED_KINDS: readonly string[] = KINDS.map((k) => k.name);

/** A loaded product of any registered kind. */
export type Product = SaasProduct | LicenseProduct | ApiProduct | ImageProduct;
