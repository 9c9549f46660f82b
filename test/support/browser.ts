// Debian's chromium for the browser tests, through playwright-core. Nothing
// downloads a browser: without /usr/bin/chromium the browser tests skip (with a
// message), unless STRATUM_REQUIRE_BROWSER=1, where importing this module fails
// the test file that needs it.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { cleanUpAfterEachFile } from './cleanup.js';

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

/** A chromium of the caller's own, which it closes (a benchmark: nothing else may share its CPU). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

let workerChromium: Promise<Browser> | undefined;

/**
 * The chromium of this worker process, launched by its first browser test file and kept for the files after it
 * (they share the process: vite.config.ts), where each file launching its own cost 2–3 CPU-seconds. A file gets
 * pages of its own, each in a fresh context (`browser.newPage`), and every context still open when it ends is
 * closed then, so no cookie, storage or page reaches the next file. A browser that crashed or was closed is
 * launched again; playwright ends it when the worker process exits.
 */
export async function sharedChromium(): Promise<Browser> {
  const launched = workerChromium && await workerChromium.catch(() => undefined);
  if (launched?.isConnected()) return launched;
  if (!workerChromium) cleanUpAfterEachFile(closeContextsOfSharedChromium);
  workerChromium = launchChromium();
  return workerChromium;
}

async function closeContextsOfSharedChromium(): Promise<void> {
  const browser = await workerChromium?.catch(() => undefined);
  if (!browser?.isConnected()) return;
  await Promise.all(browser.contexts().map((context) => context.close()));
}
