// Camunda 7's incident list answers every match when maxResults is absent, but not an unbounded number: beyond
// 1,000 it is refused, as Camunda 7 refuses an unbounded query under queryMaxResultsLimit, instead of reading
// every open incident into one answer. Its count reads none: the store counts them.
import { describe, expect, it } from 'vitest';
import type { IncidentCountQuery, IncidentSearch, IncidentView, Runtime } from '../../../engine/api.js';
import { camunda7IncidentHandlers } from '../../../server/camunda7/incidents.js';
import type { Handler, Input } from '../../../server/http/handler.js';
import { HttpProblem } from '../../../server/problem.js';

/** A runtime with `total` open job incidents, paged as the real one pages (offset, then cursor), and counted. */
function runtimeWith(total: number): { runtime: Runtime; read: () => number; counted: IncidentCountQuery[] } {
  let read = 0;
  const counted: IncidentCountQuery[] = [];
  const incident = (n: number): IncidentView => ({
    id: `inc-${String(n).padStart(6, '0')}`, instanceId: `i-${n}`, rootInstanceId: `i-${n}`, processKey: 'p', businessKey: null,
    elementId: 'task', message: 'failed', kind: 'job', jobId: `i-${n}:job`, causeIncidentId: null, createdAt: '2026-12-05T06:00:00.000Z',
  });
  const runtime = {
    findIncidents: (query: IncidentSearch) => {
      const from = query.cursor === undefined ? (query.offset ?? 0) : Number(query.cursor);
      const items = Array.from({ length: Math.max(0, Math.min(query.limit ?? 100, total - from)) }, (_, n) => incident(from + n));
      read += items.length;
      const next = from + items.length;
      return Promise.resolve({ items, nextCursor: next < total ? String(next) : null });
    },
    countIncidents: (query: IncidentCountQuery) => {
      counted.push(query);
      return Promise.resolve(total);
    },
    getInstance: () => Promise.resolve(undefined),
    findInstances: () => Promise.resolve({ items: [], nextCursor: null }),
  } as unknown as Runtime;
  return { runtime, read: () => read, counted };
}

const list = (runtime: Runtime, query: Record<string, unknown>) =>
  (camunda7IncidentHandlers(runtime).camunda7ListIncidents as Handler)({ query, body: undefined, params: {}, headers: {}, user: undefined } as unknown as Input);
const count = (runtime: Runtime, query: Record<string, unknown>) =>
  (camunda7IncidentHandlers(runtime).camunda7CountIncidents as Handler)({ query, body: undefined, params: {}, headers: {}, user: undefined } as unknown as Input);

describe('GET /engine-rest/incident without maxResults', () => {
  it('answers every match up to 1,000', async () => {
    const { runtime } = runtimeWith(1000);
    const reply = await list(runtime, {});
    expect(JSON.parse(Buffer.from(reply.bytes!).toString())).toHaveLength(1000);
  });

  it('refuses more than 1,000 matches with 400 naming maxResults, without reading them all', async () => {
    const { runtime, read } = runtimeWith(5000);
    const refused = await list(runtime, {}).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HttpProblem);
    expect((refused as HttpProblem).status).toBe(400);
    expect((refused as HttpProblem).extensions).toMatchObject({ errors: [{ field: 'query.maxResults' }] });
    expect(read()).toBeLessThanOrEqual(1001 + 200);
    // a page of them is answered
    const page = await list(runtime, { firstResult: 4000, maxResults: 50 });
    const ids = (JSON.parse(Buffer.from(page.bytes!).toString()) as { id: string }[]).map((dto) => dto.id);
    expect(ids).toEqual(Array.from({ length: 50 }, (_, n) => `inc-${String(4000 + n).padStart(6, '0')}`));
  });
});

describe('GET /engine-rest/incident/count', () => {
  it('counts 5,000 open incidents with one count of the store, reading none of them, with the list\'s filters', async () => {
    const { runtime, read, counted } = runtimeWith(5000);
    const reply = await count(runtime, { incidentType: 'failedExternalTask', processInstanceId: 'i-7', activityId: 'task' });
    expect(JSON.parse(Buffer.from(reply.bytes!).toString())).toEqual({ count: 5000 });
    expect(read()).toBe(0);
    expect(counted).toEqual([{ state: 'open', kind: 'job', instanceId: 'i-7', elementId: 'task' }]);
    // a type Stratum never raises matches nothing, without asking the store
    const custom = await count(runtime, { incidentType: 'customType' });
    expect(JSON.parse(Buffer.from(custom.bytes!).toString())).toEqual({ count: 0 });
    expect(counted).toHaveLength(1);
  });
});
