/**
 * How far V8 lets the JavaScript heap of a serving process grow before it collects (issue 21, RSS).
 *
 * After each full garbage collection V8 sets the size at which the next one starts: what the collection
 * kept times a factor it picks from its own speed against the allocation rate, up to 4 on a machine with
 * much memory (Node does not cap the heap there). koogate keeps about 22 MB alive while it serves, but
 * every call leaves garbage behind, so under load the heap grew to 80–120 MB between two collections:
 * most of a peak RSS of up to 190 MB was garbage waiting, and how much of it depended on when a collection
 * happened to start (134 to 192 MB in eleven runs of the same commit, docs/performance.md). With the factor fixed at
 * 1 + `KOOGATE_HEAP_GROWTH_PERCENT` / 100 the heap stays near what it keeps; V8 still never sets the next
 * limit less than 8 MB above it, so a full collection comes after at least 8 MB of garbage.
 *
 * It is V8's `--heap-growing-percent`, which V8 reads at the end of every full collection, so setting it
 * once the process runs takes effect from the next collection on: every way of starting koogate gets it
 * (`koogate serve`, its workers, `npm start`, the container, a program that embeds koogate and calls
 * `listen`), without a node command-line flag (NODE_OPTIONS does not allow this one). It applies to the
 * whole process, as the heap is the process's.
 */
import { setFlagsFromString } from "node:v8";

/** Fixes V8's heap growing factor at 1 + `percent` / 100; 0 leaves V8's own choice. */
export function boundHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${Math.round(percent)}`);
}
