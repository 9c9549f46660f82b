// Camunda 8's Orchestration Cluster REST API (v2), the job worker subset: job
// activation with long polling, completion, failure, error, the update of a
// job's retries and timeout, message publication, and process instance
// creation, on Stratum's jobs, messages and starts. Every call goes through the same
// runtime steps as Stratum's own routes and the Camunda 7 ones: declared
// outputs, protected order fields, the hold while an order change is open, the
// message rules, the authenticated user in the history.
import type { JobView, Runtime, Workers } from '../../engine/api.js';
import { GROUPS, requireMembership } from '../auth/authenticate.js';
import type { Handlers, Input, Reply } from '../http/handler.js';
import { clientGone } from '../http/client-gone.js';
import { HttpProblem } from '../problem.js';
import { startIdempotency } from '../routes/instances.js';
import { DEFAULT_TENANT } from '../schemas/camunda8.js';

interface ActivationBody {
  type: string;
  worker?: string;
  /** int64 fields arrive as numbers or as their decimal text (schemas/camunda8.ts). */
  timeout: number | string;
  maxJobsToActivate: number;
  fetchVariable?: string[] | null;
  requestTimeout?: number | string;
}

interface PublicationBody {
  name: string;
  correlationKey: string;
  timeToLive?: number | string;
  messageId?: string;
  variables?: Record<string, unknown>;
}

interface UpdateBody {
  /** Null or absent keeps the job's value (schemas/camunda8.ts); the timeout an int64 as a number or its text. */
  changeset: { retries?: number | null; timeout?: number | string | null };
  operationReference?: number | string;
}

/** Camunda's gateway answers a long poll without `requestTimeout` (or with 0) after 10 s. */
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Camunda's default worker name. */
const DEFAULT_WORKER = 'default';

const noContent: Reply = { status: 204 };

export function camunda8Handlers(runtime: Runtime, workers: Workers): Handlers {
  return {
    camunda8ActivateJobs: async ({ body, req }: Input<ActivationBody>) => {
      const worker = body.worker ?? DEFAULT_WORKER;
      const requestTimeout = body.requestTimeout === undefined ? 0 : Number(body.requestTimeout);
      const wait = requestTimeout === 0 ? DEFAULT_REQUEST_TIMEOUT_MS : Math.max(requestTimeout, 0);
      const jobs = await workers.fetchAndLock({
        workerId: worker,
        max: body.maxJobsToActivate,
        asyncResponseTimeoutMs: wait,
        topics: [{ type: body.type, lockMs: Number(body.timeout), ...(body.fetchVariable?.length && { variables: body.fetchVariable }) }],
      }, clientGone(req));
      // Camunda's job has no business key: the router learns each job's order beside the answer
      return { status: 200, json: { jobs: jobs.map((job) => activatedJob(job, worker)) }, orders: jobs };
    },

    camunda8CompleteJob: async ({ params, body, user }: Input<{ variables?: Record<string, unknown> | null }, unknown, { jobKey: string }>) => {
      await runtime.completeJob(params.jobKey, body.variables ?? {}, user!);
      return noContent;
    },

    camunda8FailJob: async ({ params, body, user }: Input<{ retries?: number | null; errorMessage?: string | null; retryBackOff?: number | string | null }, unknown, { jobKey: string }>) => {
      await runtime.failJob(params.jobKey, { ...(body.errorMessage && { message: body.errorMessage }), retries: body.retries ?? 0, retryTimeoutMs: Number(body.retryBackOff ?? 0) }, user!);
      return noContent;
    },

    // Zeebe's update: retries are the operator's (as Camunda 7's setRetries and the incident resolution), the
    // timeout the worker's (as the activation that set it): each field asks for its own group
    camunda8UpdateJob: async ({ params, body, user }: Input<UpdateBody, unknown, { jobKey: string }>) => {
      const { retries, timeout } = body.changeset;
      if ((retries ?? null) === null && (timeout ?? null) === null) {
        throw new HttpProblem(400, 'At least one of [retries, timeout] is required.', { errors: [{ field: '/changeset', message: 'needs retries or timeout (not null)' }] });
      }
      if (retries != null) requireMembership(user!, GROUPS.operations, 'Updating a job\'s retries');
      if (timeout != null) requireMembership(user!, GROUPS.integration, 'Updating a job\'s timeout');
      await runtime.updateJob(params.jobKey, { ...(retries != null && { retries }), ...(timeout != null && { timeoutMs: Number(timeout) }) }, user!);
      return noContent;
    },

    camunda8ThrowJobError: async ({ params, body, user }: Input<{ errorCode: string; errorMessage?: string | null; variables?: Record<string, unknown> | null }, unknown, { jobKey: string }>) => {
      await runtime.throwJobError(params.jobKey, {
        errorCode: body.errorCode,
        ...(body.errorMessage && { message: body.errorMessage }),
        ...(body.variables && Object.keys(body.variables).length && { variables: body.variables }),
      }, user!);
      return noContent;
    },

    camunda8CreateProcessInstance: async ({ body, headers, user }: Input<{ processDefinitionId: string; variables?: Record<string, unknown>; businessId?: string }>) => {
      // the same request as the native route's body, so one key finds one start on either route
      const idempotency = startIdempotency(body.processDefinitionId, headers['idempotency-key'], {
        ...(body.businessId !== undefined && { businessKey: body.businessId }),
        ...(body.variables !== undefined && { variables: body.variables }),
      });
      const { instance } = await runtime.start(body.processDefinitionId, {
        variables: body.variables ?? {}, user: user!.name, via: user!.via,
        ...(body.businessId !== undefined && { businessKey: body.businessId }),
        ...(idempotency && { idempotency }),
      });
      return {
        status: 200,
        json: {
          processDefinitionId: instance.processKey, processDefinitionVersion: instance.version,
          processDefinitionKey: `${instance.processKey}:${instance.version}`, processInstanceKey: instance.id,
          tenantId: DEFAULT_TENANT, variables: instance.variables, tags: [],
        },
        orders: [{ instanceId: instance.id, businessKey: instance.businessKey }],
      };
    },

    camunda8PublishMessage: async ({ body, user }: Input<PublicationBody>) => {
      const result = await runtime.correlateMessage({
        name: body.name, businessKey: body.correlationKey, actor: user!.name, via: user!.via,
        // Camunda's default time-to-live is 0, Stratum's an hour: a Camunda client that sends none means 0
        timeToLive: body.timeToLive === undefined ? 0 : Number(body.timeToLive),
        ...(body.messageId !== undefined && { messageId: body.messageId }),
        ...(body.variables && { variables: body.variables }),
      });
      return { status: 200, json: { tenantId: DEFAULT_TENANT, messageKey: result.messageKey } };
    },
  };
}

// helpers

/** Camunda 8's ActivatedJobResult for one of Stratum's jobs. */
function activatedJob(job: JobView, worker: string): Record<string, unknown> {
  const version = job.processVersion ?? 1;
  return {
    jobKey: job.id,
    type: job.type,
    processInstanceKey: job.instanceId,
    processDefinitionId: job.processKey ?? '',
    processDefinitionVersion: version,
    processDefinitionKey: job.processKey ? `${job.processKey}:${version}` : '',
    elementId: job.elementId,
    elementInstanceKey: `${job.elementId}:${job.id}`,
    customHeaders: job.customHeaders,
    worker,
    retries: job.retries,
    deadline: Date.parse(job.lockExpiresAt),
    variables: job.variables,
    tenantId: DEFAULT_TENANT,
    kind: 'BPMN_ELEMENT',
    listenerEventType: 'UNSPECIFIED',
    rootProcessInstanceKey: null,
    tags: [],
    userTask: null,
    priority: 0,
  };
}
