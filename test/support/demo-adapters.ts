/**
 * The repository's demo adapter classes: the ones its koogate config names (koogate.config.json), read
 * from that config as `koogate serve` reads it, for tests that start a server in-process with the
 * demo listings. An adapter added to the config is here without a change.
 */
import { fileURLToPath } from "node:url";
import type { AdapterClass } from "../../core/adapters.js";
import { loadProject } from "../../core/project/index.js";

/** the repository's root: this file is dist/test/support/demo-adapters.js once built */
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export const DEMO_ADAPTERS: readonly AdapterClass[] = (await loadProject({ cwd: ROOT, env: {} })).adapters;
