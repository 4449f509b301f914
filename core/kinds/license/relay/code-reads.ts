/**
 * The relay's reads of code rows, shared by the calls that arrive together. A check is answered from
 * its code's row for the rest of the UTC day, but the row must still be read for every call: the
 * production interface may have frozen or released the code since, in any process on the database, and
 * the relay answers that at once (./local-state.ts). So no row is kept in memory; instead the calls
 * waiting at the same moment have their rows read in one statement per listing (core/store/coalescer.ts:
 * a lone call is read at once, calls that arrive while a read runs wait for the next one, which starts
 * after they arrived — each still sees every change committed before it came). Under load that makes one
 * statement of many calls' (issue 21: a cached check was one select each, most of its cost).
 */
import { Coalescer } from "../../../store/coalescer.js";
import type { CodeRow, LicenseCodeStore } from "../codes.js";

interface Wanted {
  productId: string;
  digest: string;
}

export class CodeReads {
  private readonly reads: Coalescer<Wanted, CodeRow | undefined>;

  constructor(codes: LicenseCodeStore) {
    this.reads = new Coalescer(async (wanted) => {
      const found = new Map<string, CodeRow>();
      const byProduct = new Map<string, Set<string>>();
      for (const w of wanted) {
        const digests = byProduct.get(w.productId) ?? new Set<string>();
        byProduct.set(w.productId, digests.add(w.digest));
      }
      for (const [productId, digests] of byProduct) {
        for (const row of await codes.byDigests(productId, [...digests])) found.set(`${productId}\u0000${row.codeDigest}`, row);
      }
      return wanted.map((w) => found.get(`${w.productId}\u0000${w.digest}`));
    });
  }

  /** The row of the code whose digest is `digest`, read after this call: undefined when the listing has none. */
  get(productId: string, digest: string): Promise<CodeRow | undefined> {
    return this.reads.submit({ productId, digest });
  }
}
