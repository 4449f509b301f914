/**
 * The registry of product kinds and what they declare. `registerKind` is the one registration line
 * of a kind (core/kinds/index.ts has one per built-in kind); everything kind-specific that core,
 * server, bin and sim need — key types, activities, result codes, metric labels, CLI commands — is read
 * from here, so no module outside a kind's folder names a kind (Fastify's plugin model: a plugin brings
 * everything it needs, the core never names one).
 */
import type { Kind, KindCommand } from "./kind.js";
import { CORE_ACTIVITIES, CORE_KEY_TYPES, RESULT_MESSAGES, type KeyType, type ResultCode } from "../vocabulary.js";

const registered: Kind[] = [];

/** The kinds registered, in registration order; a live view (a kind registered later appears in it). */
export const KINDS: readonly Kind[] = registered;

/**
 * Registers a kind: its folder plus this one line is all a kind needs. Refused (a programming error,
 * thrown at import) when its name, a key type, a result code or a command clashes with one already
 * declared with another meaning. Returns a function that takes it out again (for tests).
 */
export function registerKind(kind: Kind): () => void {
  const clash = clashOf(kind);
  if (clash) throw new Error(`kind "${kind.name}" cannot be registered: ${clash}`);
  registered.push(kind);
  return () => {
    const i = registered.indexOf(kind);
    if (i >= 0) registered.splice(i, 1);
  };
}

function clashOf(kind: Kind): string | undefined {
  if (registered.some((k) => k.name === kind.name)) return `a kind named "${kind.name}" is registered already`;
  const keys: Readonly<Record<string, string>> = keyTypeDescriptions();
  for (const [type, description] of Object.entries(kind.vocabulary?.keyTypes ?? {})) {
    if (keys[type] !== undefined && keys[type] !== description) return `key type "${type}" is declared already with another description`;
  }
  for (const [code, message] of Object.entries(kind.vocabulary?.resultCodes ?? {})) {
    const known = resultMessageOf(code);
    if (!/^\d{6}$/.test(code)) return `result code "${code}" is not six digits`;
    if (known !== undefined && known !== message) return `result code ${code} is declared already with another message`;
  }
  const commands = kindCommands();
  for (const name of Object.keys(kind.commands ?? {})) if (commands[name]) return `command "${name}" is declared already by kind "${commands[name].kind}"`;
  return undefined;
}

/** Every key type a definition may list: the core's (basic, general) and each registered kind's, with its description. */
export function keyTypeDescriptions(kinds: readonly Kind[] = KINDS): Readonly<Record<KeyType, string>> {
  return Object.assign({}, CORE_KEY_TYPES, ...kinds.map((k) => k.vocabulary?.keyTypes ?? {})) as Record<KeyType, string>;
}

/** The key types of `keyTypeDescriptions`, the core's first. */
export function keyTypes(kinds: readonly Kind[] = KINDS): readonly KeyType[] {
  return Object.keys(keyTypeDescriptions(kinds)) as KeyType[];
}

/** Every activity a served call may have: the core's (orderNotify) and each registered kind's; the label values of `koogate_calls_total`. */
export function activities(kinds: readonly Kind[] = KINDS): readonly string[] {
  return [...new Set([...CORE_ACTIVITIES, ...kinds.flatMap((k) => k.vocabulary?.activities ?? [])])];
}

/** The refusal reasons the kinds add to the core's (signature problems, replayed, oversize, unverified). */
export function kindRefusalReasons(kinds: readonly Kind[] = KINDS): readonly string[] {
  return [...new Set(kinds.flatMap((k) => k.vocabulary?.refusalReasons ?? []))];
}

/** Every result code: the marketplace's common ones (core/vocabulary.ts) and each registered kind's. */
export function resultCodes(kinds: readonly Kind[] = KINDS): readonly ResultCode[] {
  return [...new Set([...Object.keys(RESULT_MESSAGES), ...kinds.flatMap((k) => Object.keys(k.vocabulary?.resultCodes ?? {}))])] as ResultCode[];
}

/** The default `resultMsg` of a code: the marketplace sample's for the common codes, else its kind's; undefined when none declares it. */
export function resultMessageOf(code: string, kinds: readonly Kind[] = KINDS): string | undefined {
  const common = (RESULT_MESSAGES as Readonly<Record<string, string>>)[code];
  if (common !== undefined) return common;
  for (const k of kinds) {
    const m = k.vocabulary?.resultCodes?.[code];
    if (m !== undefined) return m;
  }
  return undefined;
}

/** Every registered kind's CLI commands by name, each with the kind that declares it. */
export function kindCommands(kinds: readonly Kind[] = KINDS): Readonly<Record<string, KindCommand & { kind: string }>> {
  return Object.fromEntries(kinds.flatMap((k) => Object.entries(k.commands ?? {}).map(([name, c]) => [name, { ...c, kind: k.name }])));
}
