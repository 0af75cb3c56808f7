import { mkdirSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";

/**
 * Debian's Chromium driven by playwright-core, as every browser test launches it (the flags this
 * machine needs, see TOOLCHAIN.md), and where their screenshots go.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // A navigation in the same tab reuses its document machinery: a third less CPU per page load.
  "--disable-features=RenderDocument,BackForwardCache",
];

/** Test artifacts (screenshots): kept by CI, ignored by git. */
export const ARTIFACTS = "test-results";

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Saves a full-page screenshot as `test-results/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
}
