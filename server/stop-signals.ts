/**
 * When a koogate process stops (issue 20, "Stop cleanly, however started"): on SIGTERM or SIGINT, and,
 * when npm started it (`npm start`, `npx koogate serve`), when npm goes away. npm runs a script under
 * `sh -c`, and a shell that does not exec its last command (dash, /bin/sh on Debian and Ubuntu) dies
 * of the SIGTERM npm forwards to it without passing it on: koogate would be left serving, an orphan.
 * package.json's start script says `exec` for that reason; `npx` cannot, so the process also watches
 * its parent, and a parent gone means stop.
 */

/** How often the parent is looked at. */
export const PARENT_CHECK_MS = 500;

/**
 * The parent when this module was first evaluated: the executables (bin/koogate.ts, server/main.ts)
 * import it before they load the rest, so a parent that goes while koogate is still loading counts.
 */
const launchParent = process.ppid;

/** A stop asked for before `onStop` listened (see `catchEarlyStop`). */
let early: string | undefined;
const earlyTerm = () => void (early ??= "SIGTERM");
const earlyInt = () => void (early ??= "SIGINT");

/**
 * For `koogate serve`, called first thing by the executable: a SIGTERM or SIGINT that arrives while
 * the server is still loading (a second or more on a busy machine) is remembered, and honoured by
 * `onStop` as soon as the server has started, instead of killing it half-way.
 */
export function catchEarlyStop(): void {
  process.on("SIGTERM", earlyTerm);
  process.on("SIGINT", earlyInt);
}

export interface StopSignals {
  /** stops watching (the process ends by itself) */
  dispose(): void;
}

/**
 * Calls `stop` once, with the reason, on the first SIGTERM, SIGINT or (started by npm) the parent's
 * end. A second signal while stopping is ignored: the stop is already bounded by its own timeout.
 * `parent` is the parent's pid when the process started (default: when this module was first
 * evaluated): one that went while the process was still starting counts too.
 */
export function onStop(stop: (reason: string) => void, startedByNpm: boolean, parent = launchParent): StopSignals {
  let stopped = false;
  const once = (reason: string) => {
    if (stopped) return;
    stopped = true;
    stop(reason);
  };
  const onTerm = () => once("SIGTERM");
  const onInt = () => once("SIGINT");
  process.on("SIGTERM", onTerm);
  process.on("SIGINT", onInt);
  process.off("SIGTERM", earlyTerm);
  process.off("SIGINT", earlyInt);
  if (early) setImmediate(() => once(early!));
  // started by npm (npm_lifecycle_event, set for every script it runs, "npx" for npx); a process started
  // otherwise (systemd, a container, a shell with nohup) outlives its parent on purpose
  const gone = () => {
    if (process.ppid !== parent) once("parent process (npm) exited");
  };
  const watch = startedByNpm ? setInterval(gone, PARENT_CHECK_MS).unref() : undefined;
  if (watch) setImmediate(gone);
  return {
    dispose() {
      process.off("SIGTERM", onTerm);
      process.off("SIGINT", onInt);
      clearInterval(watch);
    },
  };
}

/** Runs `close` with a deadline: "done" when it finished in time, "late" when `timeoutMs` passed first, or its error. */
export async function withDeadline(close: () => Promise<void>, timeoutMs: number): Promise<"done" | "late" | Error> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), timeoutMs)));
  try {
    return await Promise.race([close().then(() => "done" as const, (e: unknown) => (e instanceof Error ? e : new Error(String(e)))), late]);
  } finally {
    clearTimeout(timer);
  }
}
