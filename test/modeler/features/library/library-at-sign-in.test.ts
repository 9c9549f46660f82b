// The modeler's start (modeler/src/start.ts) with the real Session, LibraryService and ApiClient against a fake
// server: signing in asks for the library (GET /api/processes) once, the watch's first look, and the watch then looks
// again only on its schedule or when the designer comes back.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, type ProcessSummary } from '../../../../modeler/src/api/client.js';
import type { StratumConfig } from '../../../../modeler/src/config.js';
import LibraryService from '../../../../modeler/src/features/library/LibraryService.js';
import { LIBRARY_LOOK_MS } from '../../../../modeler/src/features/library/library-watch.js';
import Session from '../../../../modeler/src/features/session/Session.js';
import { start } from '../../../../modeler/src/start.js';

const TOKEN = 'designer-token';
const ORDER_TO_CASH: ProcessSummary = {
  key: 'order-to-cash', name: 'Order to cash', latestVersion: 1, level: 1, calls: [], calledBy: [],
  retired: false, documentation: null, deployedAt: '2026-12-05T10:00:00.000Z',
};

/** A server that accepts TOKEN and lists ORDER_TO_CASH (or fails the list with 503); `requests` in order. */
function fakeServer({ libraryFails = false } = {}) {
  const requests: string[] = [];
  const answer = (status: number, body: unknown) => ({
    ok: status < 400, status, statusText: '', json: () => Promise.resolve(body), text: () => Promise.resolve(JSON.stringify(body)),
  });
  const fetch = (path: string, init: { method: string; headers: Record<string, string> }) => {
    requests.push(`${init.method} ${path}`);
    if (init.headers.authorization !== `Bearer ${TOKEN}`) return Promise.resolve(answer(401, { title: 'Unauthorized', status: 401 }));
    if (path === '/api/me') return Promise.resolve(answer(200, { name: 'ann', groups: ['designer'] }));
    if (path === '/api/processes') {
      return Promise.resolve(libraryFails ? answer(503, { title: 'Service Unavailable', status: 503 }) : answer(200, [ORDER_TO_CASH]));
    }
    return Promise.resolve(answer(404, { title: 'Not Found', status: 404 }));
  };
  return { fetch, requests, listed: () => requests.filter((request) => request === 'GET /api/processes').length };
}

/** diagram-js's event bus as these services use it: listeners called at once, in the order they registered. */
function eventBus() {
  const listeners = new Map<string, (() => void)[]>();
  return {
    on: (event: string, listener: () => void) => listeners.set(event, [...(listeners.get(event) ?? []), listener]),
    fire: (event: string) => listeners.get(event)?.forEach((listener) => listener()),
  };
}

describe('the library when a designer signs in', () => {
  /** The page's document and window, as the browser announces a return: shown again, focused again. */
  let page: EventTarget & { visibilityState: string };
  let stored: Map<string, string>;

  beforeEach(() => {
    vi.useFakeTimers();
    page = Object.assign(new EventTarget(), { visibilityState: 'visible' });
    stored = new Map();
    vi.stubGlobal('document', page);
    vi.stubGlobal('window', page);
    vi.stubGlobal('location', { hostname: 'stratum.example' });
    vi.stubGlobal('localStorage', { getItem: (key: string) => stored.get(key) ?? null, setItem: (key: string, value: string) => stored.set(key, value) });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  /** The modeler's services as main.ts wires them, the sign-in dialog answered with TOKEN; started as the page does. */
  async function startModeler(server: ReturnType<typeof fakeServer>) {
    vi.stubGlobal('fetch', server.fetch);
    const bus = eventBus();
    const config = { api: new ApiClient() } as StratumConfig;
    const dialogs = { form: vi.fn(() => Promise.resolve({ token: TOKEN })) };
    const statusLine = { show: vi.fn(), error: vi.fn() };
    const session = new Session(...([config, dialogs, { addButton: () => undefined }, statusLine, bus] as unknown as ConstructorParameters<typeof Session>));
    const library = new LibraryService(...([config, bus, statusLine, { all: () => [] }] as unknown as ConstructorParameters<typeof LibraryService>));
    const opened: string[] = [];
    const workspace = {
      openLatest: (key: string) => { opened.push(key); return Promise.resolve(); },
      open: (_xml: string, meta: { key: string }) => { opened.push(meta.key); return Promise.resolve([]); },
    };
    await start({ session, library, workspace });
    return { dialogs, statusLine, library, opened };
  }

  it('asks for it once when signing in through the dialog, after the token check, and opens its first process', async () => {
    const server = fakeServer();
    const { dialogs, opened } = await startModeler(server);
    expect(dialogs.form).toHaveBeenCalledTimes(1);
    expect(server.requests).toEqual(['GET /api/me', 'GET /api/processes']);
    expect(opened).toEqual(['order-to-cash']);
  });

  it('asks for it once when the browser kept the token', async () => {
    stored.set('stratum.token', TOKEN);
    const server = fakeServer();
    const { dialogs, opened } = await startModeler(server);
    expect(dialogs.form).not.toHaveBeenCalled();
    expect(server.requests).toEqual(['GET /api/me', 'GET /api/processes']);
    expect(opened).toEqual(['order-to-cash']);
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
    const { statusLine, opened } = await startModeler(server);
    expect(server.listed()).toBe(1);
    expect(statusLine.error).toHaveBeenCalledTimes(1);
    expect(statusLine.error).toHaveBeenCalledWith(expect.objectContaining({ status: 503 }), 'Loading the library');
    expect(opened).toEqual(['new-process']);
  });
});
