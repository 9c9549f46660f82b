// Process instances: start (idempotent by header), list, detail, cancel.
import type { InstanceStatus, InstanceView, Runtime, StartOptions } from '../../engine/api.js';
import { conditional } from '../http/etag.js';
import { ok, type Handlers, type Input, type Reply } from '../http/handler.js';
import { HttpProblem } from '../problem.js';
import { requestHash } from '../http/request-hash.js';
import { nextLink, pageOf, pageStart } from '../http/pagination.js';

export const instanceUrl = (id: string) => `/api/instances/${encodeURIComponent(id)}`;

/** 201 with Location for a new instance; 200 with Content-Location for a retry. */
export function instanceReply({ instance, created }: { instance: InstanceView; created: boolean }): Reply {
  return created
    ? { status: 201, json: instance, headers: { Location: instanceUrl(instance.id) } }
    : { status: 200, json: instance, headers: { 'Content-Location': instanceUrl(instance.id) } };
}

export interface StartBody {
  businessKey?: string;
  variables?: Record<string, unknown>;
}

interface InstancesQuery {
  processKey?: string;
  businessKey?: string;
  status?: InstanceStatus;
  limit: number;
  offset: number;
  after?: string;
}

/**
 * A generic start's Idempotency-Key as the engine keeps it: per process, the request fingerprinted as the native
 * route's body, so a key sent on Camunda 8's route (`businessId`) finds the same start as on /api (`businessKey`).
 */
export function startIdempotency(processKey: string, key: string | undefined, request: StartBody): StartOptions['idempotency'] {
  return key === undefined ? undefined : { scope: `start:${processKey}`, key, requestHash: requestHash(request) };
}

export function instanceHandlers(runtime: Runtime): Handlers {
  return {
    startInstance: async ({ params, body, headers, user }: Input<StartBody, unknown, { key: string }>) => {
      const idempotency = startIdempotency(params.key, headers['idempotency-key'], body);
      const result = await runtime.start(params.key, {
        ...(body.businessKey !== undefined ? { businessKey: body.businessKey } : {}),
        variables: body.variables ?? {},
        user: user!.name,
        via: user!.via,
        ...(idempotency && { idempotency }),
      });
      return instanceReply(result);
    },

    listInstances: async ({ query, req }: Input<unknown, InstancesQuery>) => {
      const { after, ...filter } = query;
      const start = pageStart(after);
      const { items: rows, total } = await runtime.findInstances({ ...filter, limit: query.limit + 1, ...(start ? { after: start } : {}) });
      const { items, next } = pageOf(rows, query.limit);
      return { ...ok({ items, total, limit: query.limit, offset: query.offset, next }), headers: nextLink(req, next, { without: ['offset'] }) };
    },

    getInstance: async ({ params, req }: Input<unknown, unknown, { id: string }>) => {
      const instance = await runtime.getInstance(params.id);
      if (!instance) throw new HttpProblem(404, `No instance with id ${params.id}.`);
      return conditional(req, ok(instance));
    },

    cancelInstance: async ({ params, body, user }: Input<{ reason: string }, unknown, { id: string }>) =>
      ok(await runtime.cancel(params.id, user!, { reason: body.reason })),
  };
}
