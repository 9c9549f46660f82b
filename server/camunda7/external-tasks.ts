// Camunda 7's external task REST API (/engine-rest/external-task) on Stratum's
// jobs, so Camunda 7 workers connect unchanged (its messages: messages.ts).
// Every call goes through the same runtime steps as Stratum's own routes:
// declared outputs, protected order fields, the authenticated user in the history.
import type { JobView, Runtime, Workers } from '../../engine/api.js';
import type { Handlers, Input } from '../http/handler.js';
import { clientGone } from '../http/client-gone.js';
import { GROUPS } from '../auth/authenticate.js';
import { HttpProblem } from '../problem.js';
import { camundaDate, camundaJson, noContent } from './answers.js';
import { plainVariables, toTypedVariables, type TypedValue } from './typed-variables.js';

interface FetchTopic {
  topicName: string;
  lockDuration: number;
  variables?: string[];
  businessKey?: string;
  localVariables?: boolean;
  includeExtensionProperties?: boolean;
  deserializeValues?: boolean;
}

interface FetchBody {
  workerId: string;
  maxTasks?: number;
  usePriority?: boolean;
  asyncResponseTimeout?: number;
  topics: FetchTopic[];
}

type Variables = Record<string, TypedValue>;

export function camunda7Handlers(runtime: Runtime, workers: Workers): Handlers {
  return {
    camunda7FetchAndLock: async ({ body, req }: Input<FetchBody>) => {
      const jobs = await workers.fetchAndLock({
        workerId: body.workerId,
        max: body.maxTasks ?? 10,
        ...(body.asyncResponseTimeout !== undefined && { asyncResponseTimeoutMs: body.asyncResponseTimeout }),
        topics: body.topics.map((topic) => ({
          type: topic.topicName,
          lockMs: topic.lockDuration,
          ...(topic.businessKey !== undefined && { businessKey: topic.businessKey }),
          ...(topic.variables && { variables: topic.variables }),
          ...(topic.localVariables && { localVariables: true }),
        })),
      }, clientGone(req));
      const tasks = jobs.map((job) => lockedExternalTask(job, body.workerId, topicOf(body.topics, job).includeExtensionProperties === true));
      // Camunda's field names (processInstanceId) are not what the router reads: it learns each task's order beside the answer
      return { ...camundaJson(tasks), orders: jobs };
    },

    camunda7Complete: async ({ params, body, user, req }: Input<{ workerId: string; variables?: Variables; localVariables?: Variables }, unknown, { id: string }>) => {
      refuseLocalVariables(body.localVariables);
      await runtime.completeJob(params.id, plainVariables(body, req), user!, body.workerId);
      return noContent;
    },

    camunda7Failure: async ({ params, body, user }: Input<{ workerId: string; errorMessage?: string; errorDetails?: string; retries?: number; retryTimeout?: number }, unknown, { id: string }>) => {
      const message = [body.errorMessage, body.errorDetails].filter(Boolean).join('\n');
      await runtime.failJob(params.id, { ...(message && { message }), retries: body.retries ?? 0, workerId: body.workerId, retryTimeoutMs: body.retryTimeout ?? 0 }, user!);
      return noContent;
    },

    camunda7BpmnError: async ({ params, body, user, req }: Input<{ workerId: string; errorCode: string; errorMessage?: string; variables?: Variables }, unknown, { id: string }>) => {
      const variables = plainVariables(body, req);
      await runtime.throwJobError(params.id, {
        errorCode: body.errorCode, workerId: body.workerId,
        ...(body.errorMessage !== undefined && { message: body.errorMessage }),
        ...(Object.keys(variables).length && { variables }),
      }, user!);
      return noContent;
    },

    camunda7ExtendLock: async ({ params, body, user }: Input<{ workerId: string; newDuration: number }, unknown, { id: string }>) => {
      await workers.extendLock(params.id, body.workerId, body.newDuration, user);
      return noContent;
    },

    camunda7Lock: async ({ params, body, user }: Input<{ workerId: string; lockDuration: number }, unknown, { id: string }>) => {
      await workers.lock(params.id, body.workerId, body.lockDuration, user);
      return noContent;
    },

    // Camunda 7's unlock names no worker; Stratum's takes `workerId`, as its complete does (docs/camunda-workers.md)
    camunda7Unlock: async ({ params, body, user }: Input<{ workerId?: string } | undefined, unknown, { id: string }>) => {
      await workers.unlock(params.id, { ...(body?.workerId !== undefined && { workerId: body.workerId }), asOperator: user!.groups.includes(GROUPS.operations) }, user);
      return noContent;
    },
  };
}

// helpers

/**
 * The topic that locked `job`: the first whose name and business key it matches. The topics lock in turn, and one
 * stops only when the fetch has all it may take, so no later topic locked a job an earlier one matches.
 */
function topicOf(topics: readonly FetchTopic[], job: JobView): FetchTopic {
  return topics.find((topic) => topic.topicName === job.type && (topic.businessKey === undefined || topic.businessKey === job.businessKey)) ?? topics[0];
}

/**
 * Camunda 7's LockedExternalTaskDto for one of Stratum's jobs. Its `extensionProperties` (the element's
 * `zeebe:taskHeaders`) only when the topic asks for them (`includeExtensionProperties`), as Camunda 7 answers.
 */
function lockedExternalTask(job: JobView, workerId: string, withExtensionProperties: boolean): Record<string, unknown> {
  return {
    activityId: job.elementId,
    activityInstanceId: `${job.elementId}:${job.id}`,
    errorMessage: job.errorMessage ?? null,
    errorDetails: null,
    executionId: job.id,
    id: job.id,
    lockExpirationTime: camundaDate(job.lockExpiresAt),
    createTime: null,
    processDefinitionId: job.processKey ? `${job.processKey}:${job.processVersion ?? 1}` : null,
    processDefinitionKey: job.processKey ?? null,
    processDefinitionVersionTag: null,
    processInstanceId: job.instanceId,
    // Camunda 7 shows null until a failure or an operator set them, and workers count on it (`retries ?? theirOwnMax`):
    // so does Stratum, whose job has its declared or default retries from the start.
    retries: job.retriesSet ? job.retries : null,
    suspended: false,
    workerId,
    topicName: job.type,
    tenantId: null,
    variables: toTypedVariables(job.variables),
    priority: 0,
    businessKey: job.businessKey,
    extensionProperties: withExtensionProperties ? job.customHeaders : {},
  };
}

/** Stratum keeps no variables local to a job: a worker's local variables would be silently lost. */
function refuseLocalVariables(local: Variables | undefined): void {
  if (local && Object.keys(local).length) {
    throw new HttpProblem(422, 'localVariables are not supported: send them as variables (the job\'s outputs declare which it may set).', {
      errors: [{ field: '/localVariables', message: 'not supported' }],
    });
  }
}
