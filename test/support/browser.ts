// Debian's chromium for the browser tests, through playwright-core. Nothing
// downloads a browser: without /usr/bin/chromium the browser tests skip (with a
// message), unless STRATUM_REQUIRE_BROWSER=1, where importing this module fails
// the test file that needs it.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Whether a browser test can run with chromium at `path`: false (and a warning) when it is missing,
 * an error when it is missing and `env` requires it.
 */
export function browserAvailableAt(path: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (existsSync(path)) return true;
  if (env.STRATUM_REQUIRE_BROWSER === '1') throw new Error(`STRATUM_REQUIRE_BROWSER=1 but ${path} is missing`);
  console.warn(`browser tests skipped: ${path} is not installed (apt-get install -y chromium; STRATUM_REQUIRE_BROWSER=1 fails instead)`);
  return false;
}

/** For `describe.skipIf(!browserAvailable)`. */
export const browserAvailable = browserAvailableAt(CHROMIUM);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
