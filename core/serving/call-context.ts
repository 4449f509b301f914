/**
 * What every entry point (a kind's endpoints and the outbox) builds the same way: the logger an
 * adapter call receives, and the one log line per served call.
 */
import type { LogFields, Logger } from "../logger.js";
import type { ProductBase } from "../products/definition.js";
import type { Verdict } from "../vocabulary.js";

/** The logger of one adapter call: bound to the product, the activity, the instance and any `fields`. */
export function adapterLogger(logger: Logger, product: ProductBase, call: { activity: string; instanceId: string } & LogFields): Logger {
  return logger.child({ product: product.id, ...call });
}

/**
 * The log line of a served call, at a level chosen by its verdict: failed → error, refused → warn,
 * anything else → info. `noun` names the kind of call ("call", "sync").
 */
export function logCall(logger: Logger, verdict: Verdict, fields: LogFields, noun = "call"): void {
  if (verdict === "failed") logger.error(`${noun} failed`, fields);
  else if (verdict === "rejected") logger.warn(`${noun} refused`, fields);
  else logger.info(noun, fields);
}
