// The modeler's start (modeler/src/start.ts) with the real Session, LibraryService, Workspace, History and Incidents
// tabs, lint rules and ApiClient against a fake server: signing in asks for the library (GET /api/processes) once,
// the watch's first look, and the watch then looks again only on its schedule or when the designer comes back; it asks
// who signed in (GET /api/me) once, the token check, and reads the first process (GET /api/processes/{key}) once;
// the XML of a deployed version, which the lint rules and the opening both need, is read once.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, type Me, type ProcessDetail, type ProcessSummary } from '../../../../modeler/src/api/client.js';
import type { StratumConfig } from '../../../../modeler/src/config.js';
import HistoryPanel from '../../../../modeler/src/features/history/HistoryPanel.js';
import IncidentsPanel from '../../../../modeler/src/features/incidents/IncidentsPanel.js';
import LibraryService, { LIBRARY_CHANGED } from '../../../../modeler/src/features/library/LibraryService.js';
import { LIBRARY_LOOK_MS } from '../../../../modeler/src/features/library/library-watch.js';
import { newProcessXml } from '../../../../modeler/src/features/files/ProcessTemplate.js';
import LintRules from '../../../../modeler/src/features/lint/LintRules.js';
import Session from '../../../../modeler/src/features/session/Session.js';
import Workspace from '../../../../modeler/src/features/workspace/Workspace.js';
import DiagramIds from '../../../../modeler/src/features/workspace/DiagramIds.js';
import { start } from '../../../../modeler/src/start.js';

const TOKEN = 'designer-token';
const OPS_TOKEN = 'operations-token';
const USERS: Record<string, Me> = {
  [TOKEN]: { name: 'ann', groups: ['designer'], roles: ['designer'], taskGroups: [] },
  [OPS_TOKEN]: { name: 'olga', groups: ['operations'], roles: ['operations'], taskGroups: [] },
};
const ORDER_TO_CASH: ProcessSummary = {
  key: 'order-to-cash', name: 'Order to cash', latestVersion: 1, level: 1, calls: [], calledBy: [],
  retired: false, documentation: null, deployedAt: '2026-12-05T10:00:00.000Z',
};
const ORDER_TO_CASH_DETAIL: ProcessDetail = {
  ...ORDER_TO_CASH,
  versions: [{ version: 1, deployedAt: ORDER_TO_CASH.deployedAt, deployedBy: 'ann', note: 'first', deploymentId: 'd1' }],
};
const ORDER_TO_CASH_XML = readFileSync(resolve(import.meta.dirname, '../../../../diagrams/order-to-cash.bpmn'), 'utf8');

/**
 * A server that accepts the tokens of USERS and lists ORDER_TO_CASH; `libraryFails` fails the list with 503, `meFails`
 * that many GET /api/me first with 503; `holdDetail()` keeps the answers to GET /api/processes/order-to-cash until
 * the function it returns is called. `requests` in order.
 */
function fakeServer({ libraryFails = false, meFails = 0 } = {}) {
  const requests: string[] = [];
  let detailHeld: Promise<void> = Promise.resolve();
  const answer = (status: number, body: unknown) => ({
    ok: status < 400, status, statusText: '', json: () => Promise.resolve(body),
    text: () => Promise.resolve(typeof body === 'string' ? body : JSON.stringify(body)),
    arrayBuffer: () => Promise.resolve(new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body)).buffer),
  });
  const unavailable = () => answer(503, { title: 'Service Unavailable', status: 503 });
  const fetch = (path: string, init: { method: string; headers: Record<string, string> }) => {
    requests.push(`${init.method} ${path}`);
    const user = USERS[init.headers.authorization?.replace(/^Bearer /, '') ?? ''];
    if (!user) return Promise.resolve(answer(401, { title: 'Unauthorized', status: 401 }));
    if (path === '/api/me') return Promise.resolve(meFails-- > 0 ? unavailable() : answer(200, user));
    if (path === '/api/processes') return Promise.resolve(libraryFails ? unavailable() : answer(200, [ORDER_TO_CASH]));
    if (path === '/api/processes/order-to-cash') return detailHeld.then(() => answer(200, ORDER_TO_CASH_DETAIL));
    if (path === '/api/processes/order-to-cash/versions/1/xml') return Promise.resolve(answer(200, ORDER_TO_CASH_XML));
    if (path === '/api/groups') return Promise.resolve(answer(200, { groups: ['sales-director'], demo: false }));
    if (path.startsWith('/api/incidents?')) return Promise.resolve(answer(200, { items: [], nextCursor: null }));
    return Promise.resolve(answer(404, { title: 'Not Found', status: 404 }));
  };
  const count = (request: string) => requests.filter((sent) => sent === request).length;
  const holdDetail = () => {
    let release!: () => void;
    detailHeld = new Promise((resolve) => { release = resolve; });
    return release;
  };
  return { fetch, requests, count, holdDetail, listed: () => count('GET /api/processes') };
}

/** Just enough of the DOM for the panels to build and fill their elements (el(), replaceChildren). */
class FakeNode extends EventTarget {
  readonly childNodes: (FakeNode | string)[] = [];
  append(...children: (FakeNode | string)[]): void {
    this.childNodes.push(...children);
  }
  replaceChildren(...children: (FakeNode | string)[]): void {
    this.childNodes.splice(0, this.childNodes.length, ...children);
  }
  get textContent(): string {
    return this.childNodes.map((child) => (typeof child === 'string' ? child : child.textContent)).join('');
  }
  set textContent(text: string) {
    this.replaceChildren(text);
  }
}
class FakeElement extends FakeNode {
  className = '';
  hidden = false;
  value = '';
  readonly dataset: Record<string, string> = {};
  readonly attributes = new Map<string, string>();
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, value);
  }
}

/** The page's document and window, as the browser announces a return: shown again, focused again. */
let page: EventTarget & { visibilityState: string };
let stored: Map<string, string>;

beforeEach(() => {
  vi.useFakeTimers();
  page = Object.assign(new EventTarget(), { visibilityState: 'visible', createElement: () => new FakeElement(), activeElement: null });
  stored = new Map();
  vi.stubGlobal('document', page);
  vi.stubGlobal('window', page);
  vi.stubGlobal('Node', FakeNode);
  // the workspace captures an opened document's baseline once the browser has painted: not here
  vi.stubGlobal('requestAnimationFrame', () => 0);
  vi.stubGlobal('location', { hostname: 'stratum.example' });
  vi.stubGlobal('localStorage', { getItem: (key: string) => stored.get(key) ?? null, setItem: (key: string, value: string) => stored.set(key, value) });
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

/**
 * diagram-js's event bus as these services use it: listeners (of one event or several) called at once with the
 * event's data, in the order they registered.
 */
function eventBus() {
  type Listener = (event: object) => unknown;
  const listeners = new Map<string, Listener[]>();
  return {
    on(events: string | string[], ...priorityAndListener: [Listener] | [number, Listener]) {
      const listener = priorityAndListener[priorityAndListener.length - 1] as Listener;
      for (const event of [events].flat()) listeners.set(event, [...(listeners.get(event) ?? []), listener]);
    },
    off(event: string, listener: Listener) {
      listeners.set(event, (listeners.get(event) ?? []).filter((registered) => registered !== listener));
    },
    fire(event: string, data: object = {}) {
      for (const listener of listeners.get(event) ?? []) listener(data);
    },
  };
}

/** A service as main.ts's modeler builds it, from stand-ins for what these tests leave out (bpmn-js, the canvas, the shell). */
function wired<T extends abstract new (...args: never[]) => unknown>(Service: T, ...args: unknown[]): InstanceType<T> {
  return new (Service as unknown as new (...args: unknown[]) => InstanceType<T>)(...args);
}

/**
 * The modeler's services as main.ts wires them, with stand-ins for bpmn-js, the canvas and the shell; the sign-in
 * dialog answered with `tokens` in turn (the last one again after them). Started as the page does, and what signing
 * in started besides (the Incidents tab's first page, the lint rules' task groups) has ended.
 */
async function startModeler(server: ReturnType<typeof fakeServer>, ...tokens: string[]) {
  vi.stubGlobal('fetch', server.fetch);
  const answers = tokens.length ? tokens : [TOKEN];
  const bus = eventBus();
  const config = { api: new ApiClient() } as StratumConfig;
  const dialogs = { form: vi.fn(() => Promise.resolve({ token: answers.length > 1 ? answers.shift()! : answers[0] })) };
  const statusLine = { show: vi.fn(), error: vi.fn() };
  const tabs = new Map<string, FakeElement>();
  const sidePanel = {
    addTab: (id: string) => tabs.set(id, new FakeElement()).get(id),
    onSeen: () => undefined, isSeen: () => false, show: () => undefined,
  };
  const drafts = { get: () => undefined, has: () => false, all: () => [], set: () => undefined, delete: () => undefined };
  // bpmn-js as far as the workspace uses it: every diagram imports, as a process, onto a canvas not laid out
  const bpmnjs = { importXML: () => Promise.resolve({ warnings: [] }), saveXML: () => Promise.resolve({ xml: '' }), getDefinitions: () => undefined };
  const canvas = {
    getRootElement: () => ({ businessObject: { $type: 'bpmn:Process' } }),
    viewbox: () => ({ inner: { width: 0, height: 0 }, outer: { width: 0, height: 0 } }),
  };
  const elementRegistry = { get: () => undefined, filter: () => [] };

  const session = wired(Session, config, dialogs, { addButton: () => undefined }, statusLine, bus);
  const library = wired(LibraryService, config, bus, statusLine, drafts);
  const diagramIds = new DiagramIds(elementRegistry);
  const workspace = wired(Workspace, bpmnjs, bus, canvas, {}, { get: () => null }, config, statusLine, drafts, elementRegistry, diagramIds);
  wired(HistoryPanel, sidePanel, workspace, { summary: new FakeElement() }, config, bus, statusLine, library);
  wired(IncidentsPanel, sidePanel, {}, config, bus, statusLine, elementRegistry, workspace, canvas);
  const lintRules = wired(LintRules, bus, { setLinterConfig: () => undefined }, library, config, { all: () => [] }, diagramIds);

  await start({ session, library, workspace });
  await vi.advanceTimersByTimeAsync(0);
  return { bus, dialogs, statusLine, session, workspace, lintRules, history: tabs.get('history')!, incidents: tabs.get('incidents')! };
}

describe('the library when a designer signs in', () => {
  it('asks for it once when signing in through the dialog, after the token check, and opens its first process', async () => {
    const server = fakeServer();
    const { dialogs, workspace } = await startModeler(server);
    expect(dialogs.form).toHaveBeenCalledTimes(1);
    expect(server.requests[0]).toBe('GET /api/me');
    expect(server.listed()).toBe(1);
    expect(workspace.meta).toMatchObject({ key: 'order-to-cash', version: 1, latestVersion: 1, origin: 'library' });
  });

  it('asks for it once when the browser kept the token', async () => {
    stored.set('stratum.token', TOKEN);
    const server = fakeServer();
    const { dialogs, workspace } = await startModeler(server);
    expect(dialogs.form).not.toHaveBeenCalled();
    expect(server.requests[0]).toBe('GET /api/me');
    expect(server.listed()).toBe(1);
    expect(workspace.meta).toMatchObject({ key: 'order-to-cash' });
  });

  it('then looks again only every 30 seconds and when the designer comes back', async () => {
    const server = fakeServer();
    await startModeler(server);
    await vi.advanceTimersByTimeAsync(LIBRARY_LOOK_MS - 1);
    expect(server.listed()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.listed()).toBe(2);
    page.dispatchEvent(new Event('focus'));
    await vi.advanceTimersByTimeAsync(0);
    expect(server.listed()).toBe(3);
  });

  it('says once that the library did not load, and opens a new process', async () => {
    const server = fakeServer({ libraryFails: true });
    const { statusLine, workspace } = await startModeler(server);
    expect(server.listed()).toBe(1);
    expect(statusLine.error).toHaveBeenCalledTimes(1);
    expect(statusLine.error).toHaveBeenCalledWith(expect.objectContaining({ status: 503 }), 'Loading the library');
    expect(workspace.meta).toMatchObject({ key: 'new-process' });
  });
});

describe('who signed in, when a designer signs in', () => {
  it('is asked once, by the token check: the Incidents tab and the lint rules take its answer', async () => {
    const server = fakeServer();
    const { incidents, lintRules } = await startModeler(server);
    expect(server.count('GET /api/me')).toBe(1);
    // a designer: the task groups are read (designers only), no retry
    expect(server.count('GET /api/groups')).toBe(1);
    expect(lintRules.context().taskGroups).toEqual({ known: ['sales-director'], severity: 'error' });
    expect(incidents.dataset.mayRetry).toBe('false');
  });

  it('is asked once when the browser kept the token', async () => {
    stored.set('stratum.token', TOKEN);
    const server = fakeServer();
    await startModeler(server);
    expect(server.count('GET /api/me')).toBe(1);
  });

  it('is the new user after signing in as another (Token…): their check, asked once, never the last answer', async () => {
    const server = fakeServer();
    const { session, incidents, lintRules } = await startModeler(server, TOKEN, OPS_TOKEN);
    await session.askForToken();
    await vi.advanceTimersByTimeAsync(0);
    expect(server.count('GET /api/me')).toBe(2);
    // operations: the retry offered; not a designer, so the task groups are not read again and go unchecked
    expect(incidents.dataset.mayRetry).toBe('true');
    expect(server.count('GET /api/groups')).toBe(1);
    expect(lintRules.context().taskGroups).toBeUndefined();
  });

  it('is asked again by each, as before, when the token check failed (the token is taken, the failure said)', async () => {
    const server = fakeServer({ meFails: 1 });
    const { statusLine, incidents, lintRules } = await startModeler(server, OPS_TOKEN);
    expect(statusLine.error).toHaveBeenCalledWith(expect.objectContaining({ status: 503 }), 'Checking the token');
    expect(server.count('GET /api/me')).toBe(3);
    expect(incidents.dataset.mayRetry).toBe('true');
    expect(lintRules.context().taskGroups).toBeUndefined();
  });
});

describe('the XML of a deployed version (GET /api/processes/{key}/versions/{n}/xml)', () => {
  const V1_XML = 'GET /api/processes/order-to-cash/versions/1/xml';

  it('is read once at page start: the lint rules (what it supplies) and the opening share it', async () => {
    const server = fakeServer();
    const { workspace, lintRules } = await startModeler(server);
    expect(server.count(V1_XML)).toBe(1);
    expect(workspace.meta).toMatchObject({ key: 'order-to-cash', version: 1 });
    expect(lintRules.context().processSupplies?.map((supply) => supply.key)).toEqual(['order-to-cash']);
  });

  it('is not read again when an instance of that version opens it (read-only)', async () => {
    const server = fakeServer();
    const { workspace } = await startModeler(server);
    await workspace.openVersion('order-to-cash', 1, 'instance SO-1');
    expect(server.count(V1_XML)).toBe(1);
    expect(server.count('GET /api/processes/order-to-cash')).toBe(2); // the process itself is read fresh
  });

  it('is read again after signing in as another user: what one token read is not handed to the next', async () => {
    const server = fakeServer();
    const { session, workspace } = await startModeler(server, TOKEN, OPS_TOKEN);
    await session.askForToken();
    await workspace.openLatest('order-to-cash');
    expect(server.count(V1_XML)).toBe(2);
  });
});

describe('the versions of the process opened (GET /api/processes/{key})', () => {
  it('are read once when signing in opens the first process: History lists those the opening read', async () => {
    const server = fakeServer();
    const { history } = await startModeler(server);
    expect(server.count('GET /api/processes/order-to-cash')).toBe(1);
    expect(history.textContent).toContain('v1');
    expect(history.textContent).toContain('latest');
    expect(history.textContent).toContain('first');
  });

  it('are read once more, not twice, when History opens the latest version again', async () => {
    const server = fakeServer();
    const { workspace } = await startModeler(server);
    await workspace.openVersion('order-to-cash', 1);
    expect(server.count('GET /api/processes/order-to-cash')).toBe(2);
    expect(workspace.meta).toMatchObject({ key: 'order-to-cash', version: 1, readOnly: false, origin: 'library' });
  });

  it('leave History when another process opens: a read of them answered later is not listed for that one', async () => {
    const server = fakeServer();
    const { bus, workspace, history } = await startModeler(server);
    const release = server.holdDetail();
    bus.fire(LIBRARY_CHANGED, { processes: [ORDER_TO_CASH] }); // History reads order-to-cash's versions again …
    const newProcess = { key: 'new-process', name: 'New process', version: null, latestVersion: null, readOnly: false, origin: 'new' as const };
    await workspace.open(newProcessXml('new-process', 'New process'), newProcess); // … and another process opens
    release();
    await vi.advanceTimersByTimeAsync(0);
    await workspace.open(newProcessXml('new-process', 'New process'), newProcess); // History shows what it has
    expect(history.textContent).toBe('new-process has not been deployed yet.');
  });
});
