/**
 * Debian's chromium driven by playwright-core, for the operator page's browser tests. Skipped, saying
 * why, where no chromium is installed (`.ci/run` installs it).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

/** The operator token the browser tests' servers are given. */
export const OPS_TOKEN = "ops-token-0123456789abcdef";

export interface Browser {
  context: BrowserContext;
  /** the one page every test uses (closing a page of the persistent context can hang) */
  page: Page;
  close(): Promise<void>;
}

/** Launches chromium headless on a fresh profile; skips the suite (`ctx`) when there is none. */
export async function launchChromium(ctx: Mocha.Context): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    console.log(`      (skipped: no chromium at ${CHROMIUM}; install it with apt-get install -y chromium, as .ci/run does)`);
    ctx.skip();
  }
  const profile = mkdtempSync(join(tmpdir(), "koogate-chromium-"));
  // a fresh profile (--user-data-dir), which playwright takes as the persistent context's folder
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Signs in on the operator page of `url` with the form, landing on the overview. */
export async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/ops`);
  await page.fill('input[name="token"]', OPS_TOKEN);
  await page.click('button:has-text("Sign in")');
  await page.waitForURL(`${url}/ops`);
}

/** Leaves the page blank and signed out, for the next test. */
export async function signOut(b: Browser | undefined): Promise<void> {
  await b?.page.goto("about:blank");
  await b?.context.clearCookies();
}
