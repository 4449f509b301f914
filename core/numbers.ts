/**
 * Numbers as they come in from outside (settings, command-line options): written in decimal digits
 * and nothing else. `Number()` also takes `0x10`, `0b11`, `0o7`, `1e3`, `Infinity` and `" 5 "` (issue
 * 24, finding 11: `koogate usage record --value 0x10` recorded 16).
 */

const WHOLE = /^\d+$/;
const DECIMAL = /^\d+(?:\.\d+)?$/;

/** A whole number written in decimal digits (`"42"`), or undefined for anything else (`"0x2a"`, `" 42"`, `"4e1"`, `"-1"`). */
export function parseWholeNumber(text: string): number | undefined {
  if (!WHOLE.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A non-negative number written in decimal digits with an optional fraction (`"1.25"`), or undefined for anything else. */
export function parseDecimal(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}
