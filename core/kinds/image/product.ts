/**
 * An image listing (docs/marketplace/api-image-openapi.md §7): nothing calls the merchant for it and
 * nothing tells the merchant who launched it, so koogate keeps its facts with the rest of the
 * catalogue and checks them — asset versions and regions, the pricing mode, the ports and sign-in the
 * usage guide must state, and an optional pairing with a License listing.
 */
import { SetupError } from "../../errors.js";
import type { BaseDefinition, ProductBase } from "../../products/definition.js";
import { withArticle } from "../../article.js";

export const IMAGE_PRICING_MODES = ["free", "fixed", "per-vcpu"] as const;
export type ImagePricingMode = (typeof IMAGE_PRICING_MODES)[number];

export const IMAGE_LOGIN_METHODS = ["password", "ssh-key", "web"] as const;
export type ImageLoginMethod = (typeof IMAGE_LOGIN_METHODS)[number];

export interface ImageVersion {
  version: string;
  assetId?: string;
  regions: readonly string[];
}

export interface ImagePort {
  port: number;
  protocol: "tcp" | "udp";
  purpose?: string;
}

/** An image definition as written in `products/<id>.yaml`. */
export interface ImageDefinition extends BaseDefinition {
  kind: "image";
  versions: ImageVersion[];
  pricing: { mode: ImagePricingMode; price?: number };
  ports: ImagePort[];
  login: { method: ImageLoginMethod; user?: string; url?: string };
  license?: string;
}

export interface ImageProduct extends ProductBase {
  kind: "image";
  versions: readonly ImageVersion[];
  pricing: { mode: ImagePricingMode; price: number };
  ports: readonly ImagePort[];
  login: { method: ImageLoginMethod; user?: string; url?: string };
  /** the paired License listing's id */
  license?: string;
}

/** @throws SetupError naming the file, the path and the fix */
export function loadImageProduct(def: ImageDefinition, base: ProductBase): ImageProduct {
  const file = base.file;
  const price = def.pricing.price ?? 0;
  // a vCPU-priced image cannot be free (§7); a fixed price of 0 is a free image by another name
  if (def.pricing.mode === "per-vcpu" && price === 0) throw new SetupError("a per-vCPU image cannot be free (docs/marketplace/api-image-openapi.md §7); give pricing.price > 0 or use mode: free", file, "/pricing/price");
  if (def.pricing.mode === "fixed" && price === 0) throw new SetupError("a fixed price of 0 is a free image; use pricing.mode: free", file, "/pricing/price");
  if (def.pricing.mode === "free" && price > 0) throw new SetupError("a free image has no price; remove pricing.price or choose mode fixed or per-vcpu", file, "/pricing/price");
  const seen = new Set<string>();
  def.versions.forEach((v, i) => {
    if (seen.has(v.version)) throw new SetupError(`version ${JSON.stringify(v.version)} is listed twice`, file, `/versions/${i}/version`);
    seen.add(v.version);
  });
  const ports = new Set<string>();
  def.ports.forEach((p, i) => {
    const key = `${p.port}/${p.protocol}`;
    if (ports.has(key)) throw new SetupError(`port ${key} is listed twice`, file, `/ports/${i}`);
    ports.add(key);
  });
  if (def.login.method === "web" && !def.login.url) throw new SetupError("login method web needs login.url (the sign-in page the usage guide names)", file, "/login/url");
  return { ...base, kind: "image", versions: def.versions, pricing: { mode: def.pricing.mode, price }, ports: def.ports, login: def.login, license: def.license };
}

/** The pairings that do not name a License listing of this catalogue, one SetupError each. */
export function checkPairings(images: readonly ImageProduct[], all: readonly ProductBase[]): SetupError[] {
  return images.flatMap((img) => {
    if (img.license === undefined) return [];
    const paired = all.find((p) => p.id === img.license);
    if (!paired) return [new SetupError(`license: ${img.license} names no product of this koogate; define the License listing or remove the pairing`, img.file, "/license")];
    if (paired.kind !== "license") return [new SetupError(`license: ${img.license} is ${withArticle(paired.kind)} listing, not a License listing`, img.file, "/license")];
    return [];
  });
}
