/** Polls `probe` until it returns a truthy value, at most `ms` milliseconds; fails the test otherwise. */
export async function eventually<T>(probe: () => Promise<T>, what: string, ms = 8000): Promise<NonNullable<T>> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
