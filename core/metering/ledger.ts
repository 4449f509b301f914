/**
 * `UsageLedger`: where usage is recorded, by every path — the adapter's usage() hook (pull), an adapter
 * through `ctx.metering.record`, the merchant's own code (`koogate.metering.record`), and
 * `koogate usage record`. A record is validated, given its stable metering_sn and stored pending; the
 * pusher (./push.ts) sends it. Recording one window twice stores it once.
 */
import { inject, injectable } from "tsyringe";
import type { ProductBase } from "../products/definition.js";
import { InstanceStore } from "../store/instances.js";
import { CLOCK, type Clock } from "../tokens.js";
import { isMetered, type Metered } from "./definition.js";
import { meteringSn, usageProblem, usageTime, usageValueText, type UsageInput } from "./record.js";
import { UsageStore } from "./store.js";

/** Where a record came from. */
export type UsageSource = "pull" | "adapter" | "api" | "cli";

/** A record refused: `message` says which rule it broke. */
export class UsageRefused extends Error {
  override name = "UsageRefused";
}

export interface Recorded {
  meteringSn: string;
  /** false: this window of this instance was recorded already, with the same value (nothing added) */
  added: boolean;
}

/** What an adapter's context offers: records usage of the product it serves. */
export interface UsageRecorder {
  /** @throws UsageRefused naming the broken rule */
  record(usage: UsageInput): Promise<Recorded>;
}

@injectable()
export class UsageLedger {
  private lookup: (productId: string) => ProductBase | undefined = () => undefined;

  constructor(
    private readonly usage: UsageStore,
    private readonly instances: InstanceStore,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Lets `record` find products by id (the kernel's products). */
  serve(lookup: (productId: string) => ProductBase | undefined): void {
    this.lookup = lookup;
  }

  /**
   * Records usage of a served product.
   * @throws UsageRefused for an unknown or unmetered product, a broken rule, an unknown instance, a
   *   window recorded already with another value, or a window overlapping another recorded one
   */
  record(productId: string, usage: UsageInput, source: UsageSource = "api"): Promise<Recorded> {
    const product = this.lookup(productId);
    if (!product) throw new UsageRefused(`no product ${productId} is served here`);
    return this.recordFor(product, usage, source);
  }

  /** As `record`, for a product at hand (the CLI loads its own). */
  async recordFor(product: ProductBase, usage: UsageInput, source: UsageSource): Promise<Recorded> {
    if (!isMetered(product)) throw new UsageRefused(`product ${product.id} does not enable metering (add metering: { enabled: true })`);
    const now = this.clock.now();
    const problem = usageProblem(usage, now);
    if (problem) throw new UsageRefused(problem);
    // concurrent records look their instances up in one statement (InstanceStore.get; issue 21: one
    // select per record was most of the statements of recording)
    const instance = await this.instances.get(product.id, usage.instanceId);
    if (!instance || instance.state === "failed") throw new UsageRefused(`instance ${usage.instanceId} is not an instance of ${product.id}`);
    const sn = meteringSn(product.id, usage.instanceId, usage.begin.getTime(), usage.end.getTime());
    const value = usageValueText(usage.value);
    const r = await this.usage.insertUnlessOverlapping({
      productId: product.id,
      instanceId: usage.instanceId,
      meteringSn: sn,
      beginAt: usage.begin.getTime(),
      endAt: usage.end.getTime(),
      recordTime: usageTime(Math.floor(now / 1000) * 1000),
      usageValue: value,
      relatePkgInstance: usage.relatePkgInstance ?? null,
      source,
      createdAt: now,
    });
    if (r.added) return { meteringSn: sn, added: true };
    if (r.overlapping) {
      const o = r.overlapping;
      throw new UsageRefused(
        `this window of ${usage.instanceId} overlaps the one recorded from ${new Date(o.beginAt).toISOString()} to ${new Date(o.endAt).toISOString()} (value ${o.usageValue}, metering_sn ${o.meteringSn.slice(0, 12)}…): a time of an instance is counted once; record usage over windows that do not overlap`,
      );
    }
    const first = await this.usage.bySn(sn);
    if (first && first.usageValue !== value) {
      throw new UsageRefused(`this window of ${usage.instanceId} was recorded already with value ${first.usageValue}; record a correction over a window that does not overlap it`);
    }
    return { meteringSn: sn, added: false };
  }

  /** The recorder an adapter of `product` gets in its context. */
  recorderFor(product: Metered, source: UsageSource = "adapter"): UsageRecorder {
    return { record: (usage) => this.recordFor(product, usage, source) };
  }
}

/** Recorders by loaded product object: the kernel binds them, an adapter context reads them. */
const recorders = new WeakMap<ProductBase, UsageRecorder>();

export function bindUsageRecorder(product: ProductBase, recorder: UsageRecorder): void {
  recorders.set(product, recorder);
}

/** The recorder of a metered product served here; undefined for any other. */
export function usageRecorderOf(product: ProductBase): UsageRecorder | undefined {
  return recorders.get(product);
}
