/**
 * Key lists of a product built by hand in a test (a fake merchant server for the simulator): every key
 * type the registry knows (core/kinds/registry.ts), empty unless given, so a kind's new key type needs
 * no change here.
 */
import { KINDS } from "../../core/kinds/index.js";
import { keyTypes } from "../../core/kinds/registry.js";
import type { ProductBase } from "../../core/products/definition.js";
import type { KeyType } from "../../core/vocabulary.js";

/** `ProductBase.keys`: the given lists, every other registered key type empty. */
export function keyLists(given: Partial<Record<KeyType, string[]>>): ProductBase["keys"] {
  return Object.fromEntries(keyTypes(KINDS).map((t) => [t, given[t] ?? []])) as unknown as ProductBase["keys"];
}

/** `ProductBase.keyVariables`: the given lists, every other registered key type empty. */
export function keyVariableLists(given: Partial<Record<KeyType, Array<{ name: string; set: boolean }>>>): ProductBase["keyVariables"] {
  return Object.fromEntries(keyTypes(KINDS).map((t) => [t, given[t] ?? []])) as unknown as ProductBase["keyVariables"];
}
