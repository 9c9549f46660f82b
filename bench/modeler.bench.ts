// Modeler benchmark: opening a 2,000-element diagram in Stratum's modeler (the
// built app: interop import, bpmn-js, properties panel, lint, overlays) against
// plain bpmn-js's Modeler, in the same chromium, alternating A B A B.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchChromium } from '../test/support/browser.js';
import { openModelerSession } from '../test/support/modeler-session.js';
import { largeDiagram } from './large-diagram.js';
import { median, type BenchResult } from './report.js';

const ROUNDS = Number(process.env.BENCH_MODELER_ROUNDS ?? 7);
const TASKS = 999; // + 999 flows + start, end and the final flow = 2,001 elements
const BPMN_JS = fileURLToPath(new URL('../node_modules/bpmn-js/dist/', import.meta.url));

/** A page with nothing but bpmn-js's packaged Modeler. */
async function servePlainBpmnJs(): Promise<{ url: string; close: () => Promise<void> }> {
  const files: Record<string, [string, string]> = {
    '/': ['text/html', `<!doctype html><html><head>
      <link rel="stylesheet" href="/assets/diagram-js.css"><link rel="stylesheet" href="/assets/bpmn-js.css">
      <link rel="stylesheet" href="/assets/bpmn-font/css/bpmn.css"></head>
      <body style="margin:0"><div id="canvas" style="width:1280px;height:800px"></div>
      <script src="/bpmn-modeler.production.min.js"></script>
      <script>window.modeler = new BpmnJS({ container: '#canvas' });</script></body></html>`],
  };
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const known = files[path];
    if (known) {
      response.writeHead(200, { 'content-type': known[0] }).end(known[1]);
      return;
    }
    try {
      const body = readFileSync(`${BPMN_JS}${path.replace(/^\//, '').replace(/\.\./g, '')}`);
      const type = path.endsWith('.js') ? 'text/javascript' : path.endsWith('.css') ? 'text/css' : 'application/octet-stream';
      response.writeHead(200, { 'content-type': type }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// The timed code runs in the page as plain script text: functions handed to
// page.evaluate would carry the TypeScript loader's helpers with them.
// "Painted" = the frame after the import has been rendered: a message posted
// from the next animation frame arrives once that frame is painted (work an app
// defers until after paint, like linting, is not the diagram being shown).
const PAINTED = `new Promise((resolve) => requestAnimationFrame(() => {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => resolve();
  channel.port2.postMessage(0);
}))`;

/** What the two pages expose to the benchmark (set in the page; the types only describe them). */
interface BenchWindow {
  benchXml?: string;
  modeler?: unknown;
  stratumModeler?: { get(name: 'elementRegistry'): { getAll(): unknown[] } };
}

/** Milliseconds from handing bpmn-js the XML to the diagram painted (two animation frames later). */
async function timePlainImport(page: Page, xml: string): Promise<number> {
  await page.evaluate((text) => { (window as unknown as BenchWindow).benchXml = text; }, xml);
  return page.evaluate<number>(`(async () => {
    const began = performance.now();
    await window.modeler.importXML(window.benchXml);
    await ${PAINTED};
    return performance.now() - began;
  })()`);
}

/** Milliseconds from choosing the file in Stratum's "Open" to the diagram painted. */
async function timeStratumOpen(page: Page, xml: string): Promise<number> {
  await page.evaluate((text) => { (window as unknown as BenchWindow).benchXml = text; }, xml);
  return page.evaluate<number>(`(async () => {
    const input = document.querySelector('input[data-file-input=bpmn]');
    const transfer = new DataTransfer();
    transfer.items.add(new File([window.benchXml], 'large-process.bpmn', { type: 'application/xml' }));
    const modeler = window.stratumModeler;
    const imported = new Promise((resolve) => {
      const done = () => { modeler.off('import.done', done); resolve(); };
      modeler.on('import.done', done);
    });
    const began = performance.now();
    input.files = transfer.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await imported;
    await ${PAINTED};
    return performance.now() - began;
  })()`);
}

export async function runModelerBench(): Promise<BenchResult> {
  const { xml, elements } = largeDiagram(TASKS);
  const plainSite = await servePlainBpmnJs();
  const stratum = await openModelerSession();
  const browser = await launchChromium();
  const plain = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await plain.goto(plainSite.url);
    await plain.waitForFunction(() => Boolean((window as unknown as BenchWindow).modeler));
    // one warm-up each: JIT and font loading are not what a designer waits for twice
    await timePlainImport(plain, xml);
    await timeStratumOpen(stratum.page, xml);
    const rounds: Record<string, number>[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const plainMs = await timePlainImport(plain, xml);
      const stratumMs = await timeStratumOpen(stratum.page, xml);
      rounds.push({ plainMs, stratumMs, ratio: stratumMs / plainMs });
      console.log(`modeler round ${round + 1}/${ROUNDS}`, rounds.at(-1));
    }
    const shownElements = await stratum.page.evaluate(() => (window as unknown as BenchWindow).stratumModeler!.get('elementRegistry').getAll().length);
    return {
      name: 'modeler',
      description: `Opening a ${elements}-element diagram (${TASKS} tasks in a chain, full DI): Stratum's built modeler (file open → interop import → bpmn-js import, properties panel, lint, overlays → painted) against plain bpmn-js Modeler importXML → painted, in one chromium, alternating; medians of ${ROUNDS} rounds after one warm-up each. Ratio = Stratum / plain; the target is ≤ 1.1.`,
      summary: {
        elements,
        shownElements,
        plainMs: median(rounds.map((r) => r.plainMs)),
        stratumMs: median(rounds.map((r) => r.stratumMs)),
        ratio: median(rounds.map((r) => r.ratio)),
      },
      rounds,
      consoleErrors: stratum.consoleErrors,
    };
  } finally {
    await browser.close();
    await stratum.close();
    await plainSite.close();
  }
}
