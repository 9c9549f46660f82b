// The XML of deployed versions, kept by the modeler's ApiClient (modeler/src/api/version-xml-cache.ts): one request per
// version while it is kept, shared while in flight; failures not kept; least recently used versions leave first past
// the budget; a token change forgets everything, including what requests on their way bring back. Nothing else kept.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../../../modeler/src/api/client.js';
import { VersionXmlCache } from '../../../modeler/src/api/version-xml-cache.js';

/** A request the test answers when it likes: `answer(xml)` or `fail(error)`. */
function deferred() {
  let answer!: (xml: string) => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<string>((resolve, reject) => { answer = resolve; fail = reject; });
  return { promise, answer, fail };
}

/** A `read` that counts its calls and answers `xml`. */
function reader(xml: string) {
  return vi.fn(() => Promise.resolve(xml));
}

describe('VersionXmlCache', () => {
  it('reads a version once: later asks get the kept XML', async () => {
    const cache = new VersionXmlCache();
    const read = reader('<v1/>');
    expect(await cache.get('order-to-cash', 1, read)).toBe('<v1/>');
    expect(await cache.get('order-to-cash', 1, read)).toBe('<v1/>');
    expect(read).toHaveBeenCalledTimes(1);
    expect(cache.size).toEqual({ versions: 1, chars: 5 });
  });

  it('keeps each version of each process apart', async () => {
    const cache = new VersionXmlCache();
    expect(await cache.get('order-to-cash', 1, reader('<a1/>'))).toBe('<a1/>');
    expect(await cache.get('order-to-cash', 2, reader('<a2/>'))).toBe('<a2/>');
    expect(await cache.get('credit-check', 1, reader('<b1/>'))).toBe('<b1/>');
    expect(await cache.get('order-to-cash', 1, reader('<other/>'))).toBe('<a1/>');
    expect(cache.size.versions).toBe(3);
  });

  it('shares a request in flight: concurrent asks for one version send one request', async () => {
    const cache = new VersionXmlCache();
    const request = deferred();
    const read = vi.fn(() => request.promise);
    const first = cache.get('order-to-cash', 1, read);
    const second = cache.get('order-to-cash', 1, read);
    expect(read).toHaveBeenCalledTimes(1);
    request.answer('<v1/>');
    expect(await Promise.all([first, second])).toEqual(['<v1/>', '<v1/>']);
  });

  it('does not keep a failure: every asker in flight gets it, and the next ask reads again', async () => {
    const cache = new VersionXmlCache();
    const request = deferred();
    const failing = vi.fn(() => request.promise);
    const first = cache.get('order-to-cash', 1, failing);
    const second = cache.get('order-to-cash', 1, failing);
    request.fail(new Error('503'));
    await expect(first).rejects.toThrow('503');
    await expect(second).rejects.toThrow('503');
    expect(failing).toHaveBeenCalledTimes(1);
    expect(cache.size.versions).toBe(0);
    const read = reader('<v1/>');
    expect(await cache.get('order-to-cash', 1, read)).toBe('<v1/>');
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('lets the least recently used versions go past its budget', async () => {
    const cache = new VersionXmlCache(10);
    await cache.get('a', 1, reader('aaaa')); // 4
    await cache.get('b', 1, reader('bbbb')); // 8
    await cache.get('a', 1, reader('read again')); // a used: b is now the least recently used
    await cache.get('c', 1, reader('cccc')); // 12 > 10: b goes
    expect(cache.size).toEqual({ versions: 2, chars: 8 });
    const readA = reader('aaaa');
    const readB = reader('bbbb');
    const readC = reader('cccc');
    await cache.get('a', 1, readA);
    await cache.get('c', 1, readC);
    expect(readA).not.toHaveBeenCalled();
    expect(readC).not.toHaveBeenCalled();
    await cache.get('b', 1, readB); // read again; a (used before c) goes
    expect(readB).toHaveBeenCalledTimes(1);
    expect(cache.size).toEqual({ versions: 2, chars: 8 });
    await cache.get('c', 1, readC);
    expect(readC).not.toHaveBeenCalled();
  });

  it('does not keep an XML larger than the whole budget, nor lets it push others out', async () => {
    const cache = new VersionXmlCache(10);
    await cache.get('a', 1, reader('aaaa'));
    const readHuge = reader('x'.repeat(11));
    expect(await cache.get('huge', 1, readHuge)).toHaveLength(11);
    expect(await cache.get('huge', 1, readHuge)).toHaveLength(11);
    expect(readHuge).toHaveBeenCalledTimes(2);
    expect(cache.size).toEqual({ versions: 1, chars: 4 });
  });

  it('forgets everything on clear(), and keeps nothing a request started before it brings back', async () => {
    const cache = new VersionXmlCache();
    await cache.get('kept', 1, reader('<kept/>'));
    const before = deferred();
    const answeredLater = cache.get('order-to-cash', 1, () => before.promise);
    cache.clear();
    expect(cache.size).toEqual({ versions: 0, chars: 0 });
    // after the clear, an ask does not join the request started before it
    const after = reader('<v1 for the new token/>');
    const asked = cache.get('order-to-cash', 1, after);
    expect(after).toHaveBeenCalledTimes(1);
    before.answer('<v1 for the old token/>');
    expect(await answeredLater).toBe('<v1 for the old token/>'); // its own asker still gets it
    expect(await asked).toBe('<v1 for the new token/>');
    expect(await cache.get('order-to-cash', 1, reader('<unused/>'))).toBe('<v1 for the new token/>');
    const readKept = reader('<kept/>');
    await cache.get('kept', 1, readKept);
    expect(readKept).toHaveBeenCalledTimes(1);
  });
});

describe('ApiClient and the XML of deployed versions', () => {
  afterEach(() => vi.unstubAllGlobals());

  /** A server whose answers the test holds: each request waits for `respond()`; `requests` as sent, with the token. */
  function heldServer() {
    const requests: string[] = [];
    const held: (() => void)[] = [];
    let status = 200;
    vi.stubGlobal('fetch', (path: string, init: { method: string; headers: Record<string, string> }) => {
      requests.push(`${init.method} ${path} ${init.headers.authorization ?? ''}`.trim());
      const body = path.endsWith('/xml') ? `<xml of="${path}" for="${init.headers.authorization}"/>` : JSON.stringify({ key: 'order-to-cash' });
      const answering = status;
      return new Promise((resolve) => held.push(() => resolve({
        ok: answering < 400, status: answering, statusText: '',
        json: () => Promise.resolve(JSON.parse(answering < 400 ? body : '{"title":"Service Unavailable"}')),
        text: () => Promise.resolve(answering < 400 ? body : '{"title":"Service Unavailable"}'),
        arrayBuffer: () => Promise.resolve(new TextEncoder().encode(body).buffer),
      })));
    });
    const respond = () => {
      while (held.length) held.shift()!();
    };
    return { requests, respond, failNext: () => { status = 503; }, succeed: () => { status = 200; } };
  }
  const V1 = 'GET /api/processes/order-to-cash/versions/1/xml';

  it('sends one request for concurrent reads of a version, and none for a later one', async () => {
    const server = heldServer();
    const api = new ApiClient();
    api.setToken('ann');
    const both = Promise.all([api.getVersionXml('order-to-cash', 1), api.getVersionXml('order-to-cash', 1)]);
    server.respond();
    const [first, second] = await both;
    expect(first).toBe(second);
    const later = api.getVersionXml('order-to-cash', 1);
    server.respond();
    expect(await later).toBe(first);
    expect(server.requests).toEqual([`${V1} Bearer ann`]);
  });

  it('asks again after a failed read', async () => {
    const server = heldServer();
    const api = new ApiClient();
    api.setToken('ann');
    server.failNext();
    const failed = api.getVersionXml('order-to-cash', 1);
    server.respond();
    await expect(failed).rejects.toMatchObject({ status: 503 });
    server.succeed();
    const read = api.getVersionXml('order-to-cash', 1);
    server.respond();
    expect(await read).toContain('versions/1/xml');
    expect(server.requests).toEqual([`${V1} Bearer ann`, `${V1} Bearer ann`]);
  });

  it('reads again with another token, or none, and never hands one token the answer to another', async () => {
    const server = heldServer();
    const api = new ApiClient();
    api.setToken('ann');
    const ann = api.getVersionXml('order-to-cash', 1);
    server.respond();
    expect(await ann).toContain('Bearer ann');
    api.setToken('ann'); // the same token again (a sign-in as the same user) keeps what it read
    const annAgain = api.getVersionXml('order-to-cash', 1);
    api.setToken('olga');
    const olga = api.getVersionXml('order-to-cash', 1);
    server.respond();
    expect(await annAgain).toContain('Bearer ann');
    expect(await olga).toContain('Bearer olga');
    api.setToken(null);
    const nobody = api.getVersionXml('order-to-cash', 1);
    server.respond();
    await expect(nobody).resolves.toContain('for="undefined"');
    expect(server.requests).toEqual([`${V1} Bearer ann`, `${V1} Bearer olga`, V1]);
  });

  it('keeps nothing else: the process and its versions are read fresh each time', async () => {
    const server = heldServer();
    const api = new ApiClient();
    api.setToken('ann');
    const twice = Promise.all([api.getProcess('order-to-cash'), api.getProcess('order-to-cash')]);
    server.respond();
    await twice;
    const again = api.getProcess('order-to-cash');
    server.respond();
    await again;
    expect(server.requests).toEqual(Array(3).fill('GET /api/processes/order-to-cash Bearer ann'));
  });
});
