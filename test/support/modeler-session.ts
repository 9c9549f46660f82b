// The built modeler served by the real server (temporary SQLite folder, shipped
// diagrams), driven in Debian's chromium (browser.ts), a user signed in.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { readConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/start.js';
import { sharedChromium } from './browser.js';
import { cachedBuild } from './cached-build.js';
import type { ModelerWindow } from './modeler-window.js';

const ROOT = resolve(import.meta.dirname, '../..');
export const DESIGNER_TOKEN = 'designer-token-for-tests';
export const INTEGRATION_TOKEN = 'integration-token-for-tests';

export interface ModelerSession extends ServedModeler {
  page: Page;
  browser: Browser;
  /** Console errors and uncaught errors of `page`. */
  consoleErrors: string[];
}

interface User {
  name: string;
  token: string;
  groups: string[];
}

/**
 * A designer, an integration (a system that enters orders and sends messages) and an approver in each task group
 * of the shipped library, which deploys at start only when every task has someone to complete it.
 */
const SESSION_USERS: User[] = [
  { name: 'ann', token: DESIGNER_TOKEN, groups: ['designer'] },
  { name: 'erp', token: INTEGRATION_TOKEN, groups: ['integration'] },
  { name: 'dirk', token: 'approver-token-for-tests', groups: ['sales-director', 'vice-president', 'procurement', 'production', 'inspection'] },
];

interface ModelerSessionOptions {
  users?: User[];
  signInWith?: string | null;
}

interface ServedModeler {
  server: RunningServer;
  /** A second server on the same built modeler, in demo mode (no users file); the caller closes it. */
  startDemoServer(): Promise<RunningServer>;
  close(): Promise<void>;
}

/**
 * The modeler built by vite from the checkout: once for every browser test file of a run, and again only when
 * something it is built from changes (cached-build.ts); the server only reads it.
 */
function builtModeler(): string {
  return cachedBuild('modeler', ['modeler', 'engine', 'diagrams', 'vite.config.ts', 'package.json', 'package-lock.json'],
    readFileSync(fileURLToPath(import.meta.url), 'utf8'),
    (into) => execFileSync(join(ROOT, 'node_modules/.bin/vite'), ['build', '--outDir', into, '--logLevel', 'error'], { cwd: ROOT, stdio: 'pipe' }));
}

/** Serves the built modeler with the real server (users file, shipped diagrams), its data in a temporary folder. */
async function serveModeler(users: User[]): Promise<ServedModeler> {
  const work = mkdtempSync(join(tmpdir(), 'stratum-modeler-'));
  const modelerDir = builtModeler();
  const usersFile = join(work, 'users.json');
  writeFileSync(usersFile, JSON.stringify({ users }));
  const config = readConfig({
    PORT: '0', HOST: '127.0.0.1', STRATUM_DATA: join(work, 'data'), STRATUM_USERS: usersFile, STRATUM_DIAGRAMS: join(ROOT, 'diagrams'),
  });
  // errors only: a 500 a page meets shows in the test's output with its cause, where the page only says 500
  const server = await startServer({ config, logger: pino({ level: 'error' }), scheduler: false, modelerDir });
  return {
    server,
    startDemoServer: () => startServer({
      config: readConfig({ PORT: '0', STRATUM_DATA: join(work, 'demo-data'), STRATUM_DIAGRAMS: join(ROOT, 'diagrams') }),
      logger: pino({ level: 'silent' }), scheduler: false, modelerDir,
    }),
    async close() {
      await server.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Collects console errors and uncaught page errors of `page`. */
export function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  return errors;
}

/**
 * Builds the modeler, starts the server with `users` (by default SESSION_USERS) and opens a 1280×800 en-US page in
 * chromium, signed in with `signInWith` (by default the designer's token; null: nobody signs in yet).
 */
export async function openModelerSession(options: ModelerSessionOptions = {}): Promise<ModelerSession> {
  const served = await serveModeler(options.users ?? SESSION_USERS);
  let page: Page | undefined;
  try {
    const browser = await sharedChromium();
    // en-US: the pages write numbers and dates as the browser's locale does, and the tests read them so
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true, locale: 'en-US' });
    const consoleErrors = collectConsoleErrors(page);
    const token = options.signInWith === undefined ? DESIGNER_TOKEN : options.signInWith;
    if (token !== null) await signIn(page, served.server.url, token);
    const opened = page;
    return {
      page,
      browser,
      server: served.server,
      startDemoServer: () => served.startDemoServer(),
      consoleErrors,
      // the worker's chromium stays for the next file; the pages the test opened beside this one close with the file
      async close() {
        await opened.context().close();
        await served.close();
      },
    };
  } catch (error) {
    // a session that did not open leaves no server or page behind
    await page?.context().close();
    await served.close();
    throw error;
  }
}

/**
 * For a suite: opens a session before its tests (then `ready` runs with it: to take its page and server, or
 * to prepare before signing in) and closes it after them.
 */
export function useModelerSession(
  options: ModelerSessionOptions & { timeoutMs?: number },
  ready: (session: ModelerSession) => void | Promise<void>,
): void {
  let session: ModelerSession | undefined;
  beforeAll(async () => {
    session = await openModelerSession(options);
    await ready(session);
  }, options.timeoutMs ?? 120_000);
  afterAll(async () => {
    await session?.close();
  });
}

/** Opens a file from disk through the modeler's file input and waits until bpmn-js imported it. */
export async function openFileInModeler(page: Page, path: string): Promise<void> {
  const before = await page.evaluate(() => (window as unknown as ModelerWindow).stratumImports ?? 0);
  await page.evaluate(() => {
    const w = window as unknown as ModelerWindow;
    if (!w.stratumImportCounter) {
      w.stratumImportCounter = true;
      w.stratumImports = 0;
      w.stratumModeler.on('import.done', () => { w.stratumImports = (w.stratumImports ?? 0) + 1; });
    }
  });
  await page.locator('input[data-file-input=bpmn]').setInputFiles(path);
  await page.waitForFunction((count) => ((window as unknown as ModelerWindow).stratumImports ?? 0) > count, before, { timeout: 60_000 });
}

/**
 * Saves the open document as .bpmn through the modeler's own action (its Save button, its download link) and
 * returns the file's text: the Blob the link hands the browser. The browser's download is not started: chromium
 * 156 drops a page's eleventh download in quick succession without a word (ten in a row start, the eleventh never
 * does; with 1.5 s between them all do), and the interop suites save a few dozen files from one page. The tests
 * that check what the browser names the file download it for real (modeler.test.ts, designer-change.test.ts).
 */
export async function saveFromModeler(page: Page): Promise<string> {
  const before = await page.evaluate(() => {
    const w = window as unknown as ModelerWindow;
    if (!w.stratumSaves) {
      const saves: NonNullable<ModelerWindow['stratumSaves']> = [];
      const blobs = new Map<string, Blob>();
      const createObjectURL = URL.createObjectURL.bind(URL);
      URL.createObjectURL = (object: Blob | MediaSource) => {
        const url = createObjectURL(object);
        if (object instanceof Blob) blobs.set(url, object);
        return url;
      };
      const click = Reflect.get<HTMLElement, 'click'>(HTMLElement.prototype, 'click');
      HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
        if (!this.download || !this.href.startsWith('blob:')) return click.call(this);
        saves.push({ fileName: this.download, blob: blobs.get(this.href) });
      };
      w.stratumSaves = saves;
    }
    return w.stratumSaves.length;
  });
  await page.locator('[data-action=save-bpmn]').click();
  await page.waitForFunction((count) => ((window as unknown as ModelerWindow).stratumSaves?.length ?? 0) > count, before);
  return page.evaluate(async (index) => {
    const saved = (window as unknown as ModelerWindow).stratumSaves![index];
    if (!saved.blob) throw new Error(`the modeler's download link for ${saved.fileName} names no Blob it made`);
    return saved.blob.text();
  }, before);
}

/** Opens the modeler at `url` and signs in with `token` through the token dialog, as a user does. */
export async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.locator('[data-dialog=token] input[name=token]').fill(token);
  await page.locator('[data-dialog=token] button[type=submit]').click();
  await page.waitForSelector('body[data-ready=true]');
}

/**
 * Visible overlays (token simulation's token counts, context pads and notifications; Stratum's waiting counts,
 * wait cards, drill-down pills and finding badges) that cover a label: the canvas and designer walks check none does.
 */
export function overlaysOverLabels(page: Page): Promise<{ hits: string[]; overlays: number }> {
  return page.evaluate(() => {
    const visible = (node: Element) => {
      const style = getComputedStyle(node);
      const box = node.getBoundingClientRect();
      return style.display !== 'none' && style.visibility !== 'hidden' && Number(style.opacity) > 0 && box.width > 0 && box.height > 0
        && !node.closest('.djs-overlays[style*="display: none"]');
    };
    const overlays = [...document.querySelectorAll('.bts-token-count, .bts-context-pad, .bts-element-notification, .stratum-waiting-count, .stratum-wait-card, .stratum-drilldown, .stratum-finding-badge')]
      .filter(visible);
    const labels = [...document.querySelectorAll('.djs-element text')].filter((text) => (text.textContent ?? '').trim());
    const hits: string[] = [];
    for (const overlay of overlays) {
      const a = overlay.getBoundingClientRect();
      for (const label of labels) {
        const b = label.getBoundingClientRect();
        if (a.right > b.left && a.left < b.right && a.bottom > b.top && a.top < b.bottom) hits.push(`${overlay.className} over "${label.textContent}"`);
      }
    }
    return { hits, overlays: overlays.length };
  });
}
