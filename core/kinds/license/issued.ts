/**
 * Licences an adapter issued (koogate_issued_licenses), one per request key: (eventId, device
 * fingerprint) online, the instance on a 1.0 listing. The licence is sealed with the listing's basic
 * key (core/crypto/at-rest.ts): it is a credential for the buyer's software.
 */
import { createHash } from "node:crypto";
import { inject, injectable } from "tsyringe";
import { openAtRest, sealAtRest } from "../../crypto/at-rest.js";
import { DATABASE, type Knex } from "../../tokens.js";
import type { IssuedLicense } from "./adapter.js";
import type { LicenseProduct } from "./product.js";

export const ISSUED_TABLE = "koogate_issued_licenses";

export type IssuedState = "issuing" | "issued" | "uploaded" | "failed";

export interface IssuedRow {
  productId: string;
  requestKey: string;
  instanceId: string;
  eventId: string | null;
  state: IssuedState;
  licenseSealed: string | null;
  fileName: string | null;
  uploadedAt: number | null;
}

/** The request key of an application: hex SHA-256 over its identifying parts (a fingerprint may be 1 KB). */
export function requestKey(parts: readonly string[]): string {
  return createHash("sha256").update(JSON.stringify(parts), "utf8").digest("hex");
}

/** A licence sealed for storage. */
export function sealLicense(p: LicenseProduct, l: IssuedLicense): { sealed: string; fileName: string | null } {
  const plain = "characters" in l ? { characters: l.characters } : { fileName: l.fileName, content: l.content.toString("base64") };
  return { sealed: sealAtRest(JSON.stringify(plain), p.keys.basic[0]!), fileName: "fileName" in l ? l.fileName : null };
}

/** @throws when it cannot be opened with the listing's keys */
export function openLicense(p: LicenseProduct, sealed: string): IssuedLicense {
  const o = JSON.parse(openAtRest(sealed, p.keys.basic)) as { characters?: string; fileName?: string; content?: string };
  return o.characters !== undefined ? { characters: o.characters } : { fileName: o.fileName!, content: Buffer.from(o.content!, "base64") };
}

type Db = Knex | Knex.Transaction;

@injectable()
export class IssuedLicenseStore {
  constructor(@inject(DATABASE) private readonly db: Knex) {}

  async get(productId: string, key: string, trx: Db = this.db): Promise<IssuedRow | undefined> {
    const r = await trx(ISSUED_TABLE).where({ product_id: productId, request_key: key }).first();
    if (!r) return undefined;
    return {
      productId: String(r.product_id),
      requestKey: String(r.request_key),
      instanceId: String(r.instance_id),
      eventId: r.event_id ?? null,
      state: r.state as IssuedState,
      licenseSealed: r.license_sealed ?? null,
      fileName: r.file_name ?? null,
      uploadedAt: r.uploaded_at === null || r.uploaded_at === undefined ? null : Number(r.uploaded_at),
    };
  }

  /** The table row of a new application (an insert committed with the call's event). */
  static row(r: { productId: string; requestKey: string; instanceId: string; eventId: string | null; state: IssuedState; sealed: { sealed: string; fileName: string | null } | null; test: boolean; nowMs: number }) {
    return {
      product_id: r.productId,
      request_key: r.requestKey,
      instance_id: r.instanceId,
      event_id: r.eventId,
      state: r.state,
      license_sealed: r.sealed?.sealed ?? null,
      file_name: r.sealed?.fileName ?? null,
      test: r.test,
      created_at: r.nowMs,
      updated_at: r.nowMs,
      uploaded_at: null,
    };
  }

  async setIssued(productId: string, key: string, sealed: { sealed: string; fileName: string | null }, nowMs: number, trx: Db): Promise<void> {
    await trx(ISSUED_TABLE).where({ product_id: productId, request_key: key }).update({ state: "issued", license_sealed: sealed.sealed, file_name: sealed.fileName, updated_at: nowMs });
  }

  async setState(productId: string, key: string, state: IssuedState, nowMs: number, trx: Db): Promise<void> {
    await trx(ISSUED_TABLE)
      .where({ product_id: productId, request_key: key })
      .update({ state, updated_at: nowMs, ...(state === "uploaded" ? { uploaded_at: nowMs } : {}) });
  }
}
