/**
 * The AES key Java derives with `KeyGenerator.getInstance("AES")` initialised by a
 * `SecureRandom.getInstance("SHA1PRNG")` seeded with the UTF-8 bytes of the access key (docs/marketplace/saas.md §7,
 * docs/marketplace/vectors.md §1). With the Sun provider this is deterministic:
 *
 *   state = SHA1(seed); block = SHA1(state); state = add160(state, block, +1); block = SHA1(state) …
 *
 * and the key is the first bits/8 bytes of the concatenated blocks.
 */
import { createHash } from "node:crypto";

const sha1 = (b: Buffer): Buffer => createHash("sha1").update(b).digest();

/** Adds `block` to `state` as Java's SHA1PRNG does: signed bytes, index 0 first, carry starting at 1. */
function updateState(state: Buffer, block: Buffer): Buffer {
  const next = Buffer.from(state);
  let carry = 1;
  let changed = false;
  for (let i = 0; i < next.length; i++) {
    const v = ((state[i]! << 24) >> 24) + ((block[i]! << 24) >> 24) + carry;
    const b = v & 0xff;
    changed ||= b !== state[i];
    next[i] = b;
    carry = v >> 8;
  }
  if (!changed) next[0] = (next[0]! + 1) & 0xff;
  return next;
}

/** The AES key of `bits` bits that Java's SHA1PRNG-seeded KeyGenerator gives for `seed`. */
export function sha1prngAesKey(seed: string, bits: 128 | 256): Buffer {
  const out = Buffer.alloc(bits / 8);
  let state = sha1(Buffer.from(seed, "utf8"));
  let filled = 0;
  while (filled < out.length) {
    const block = sha1(state);
    state = updateState(state, block);
    filled += block.copy(out, filled, 0, Math.min(block.length, out.length - filled));
  }
  return out;
}
