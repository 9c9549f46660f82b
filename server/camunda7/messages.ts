// Camunda 7's message correlation (POST /engine-rest/message) on Stratum's
// messages: every field of Camunda's CorrelationMessageDto is accepted, and
// each either does what it does in Camunda 7 or, when Stratum cannot honour
// it, is refused naming it (422), never ignored. The message goes through the
// same step as POST /api/messages: protected order fields, the order's
// finished state and the authenticated user in the history hold here too.
import type { MessageMove, Runtime } from '../../engine/api.js';
import type { Handlers, Input } from '../http/handler.js';
import { HttpProblem } from '../problem.js';
import { camundaJson, noContent } from './answers.js';
import { fromTypedVariables, toTypedVariables, type TypedValue } from './typed-variables.js';

type Variables = Record<string, TypedValue>;

/** Camunda 7's CorrelationMessageDto as the schema (Camunda7MessageRequest) lets it through; null is absent. */
interface CorrelationMessage {
  messageName: string;
  businessKey: string;
  processVariables?: Variables;
  all?: boolean | null;
  resultEnabled?: boolean | null;
  variablesInResultEnabled?: boolean | null;
  tenantId?: string | null;
  withoutTenantId?: boolean | null;
  processInstanceId?: string | null;
  correlationKeys?: Variables | null;
  localCorrelationKeys?: Variables | null;
  processVariablesLocal?: Variables | null;
  processVariablesToTriggeredScope?: Variables | null;
}

/**
 * Fields that would change whom the message reaches or where its variables land, and that Stratum's messages
 * cannot do: sent with a value, ignoring them would deliver the message elsewhere than the sender asked.
 */
const UNSUPPORTED: { field: keyof CorrelationMessage; why: string }[] = [
  { field: 'processInstanceId', why: 'Stratum correlates a message by businessKey (an order\'s number), not to one instance: send the instance\'s businessKey' },
  { field: 'correlationKeys', why: 'Stratum correlates by businessKey (or the catch\'s zeebe:subscription correlationKey), not by process variables' },
  { field: 'localCorrelationKeys', why: 'Stratum correlates by businessKey (or the catch\'s zeebe:subscription correlationKey), not by local variables' },
  { field: 'processVariablesLocal', why: 'Stratum keeps no variables local to a catch: send them as processVariables' },
  { field: 'processVariablesToTriggeredScope', why: 'Stratum keeps no variables local to a scope: send them as processVariables' },
];

export function camunda7MessageHandlers(runtime: Runtime): Handlers {
  return {
    camunda7Message: async ({ body, user, req }: Input<CorrelationMessage>) => {
      refuseWhatCannotBeHonoured(body);
      let variables: Record<string, unknown>;
      try {
        variables = fromTypedVariables(body.processVariables, 'processVariables');
      } catch (error) {
        // a value its type refuses is refused before the runtime sees its name: an order field's is kept as the
        // runtime keeps a well-typed one, from the body as a body the schema refused is (role-refusals.ts)
        if (req.res) req.res.locals.refusedBody = body;
        throw error;
      }
      const result = await runtime.correlateMessage({
        name: body.messageName, businessKey: body.businessKey, actor: user!.name, via: user!.via,
        variables,
        exactlyOne: body.all !== true,
      });
      if (!body.resultEnabled) return noContent;
      // Camunda answers what it correlated; a message Stratum keeps for the order has moved nothing yet
      return camundaJson(result.moved.map((move) => correlationResult(move, body.variablesInResultEnabled === true)));
    },
  };
}

// helpers

function refuseWhatCannotBeHonoured(body: CorrelationMessage): void {
  const refused = UNSUPPORTED.filter(({ field }) => isSet(body[field]));
  if (isSet(body.tenantId)) {
    refused.push({ field: 'tenantId', why: 'Stratum has no tenants: every process belongs to none (send no tenantId, or withoutTenantId: true)' });
  }
  // as Camunda 7 answers (400 there): variables come only with a result
  if (body.variablesInResultEnabled === true && body.resultEnabled !== true) {
    refused.push({ field: 'variablesInResultEnabled', why: 'needs resultEnabled: true' });
  }
  if (!refused.length) return;
  throw new HttpProblem(422, `Not supported on Stratum's /engine-rest/message: ${refused.map(({ field, why }) => `${field} (${why})`).join('; ')}.`, {
    errors: refused.map(({ field, why }) => ({ field: `/${field}`, message: why })),
  });
}

/** A field a client sends with a value: null, an empty text and an empty map are what clients send by default. */
function isSet(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  return typeof value !== 'object' || Object.keys(value).length > 0;
}

/** Camunda 7's MessageCorrelationResultDto (WithVariableDto when `withVariables`) for one instance the message moved. */
function correlationResult({ kind, waitId, instance }: MessageMove, withVariables: boolean): Record<string, unknown> {
  const ended = instance.status !== 'running';
  const result = kind === 'start'
    ? {
      resultType: 'ProcessDefinition',
      processInstance: { links: [], id: instance.id, definitionId: `${instance.processKey}:${instance.version}`, businessKey: instance.businessKey, caseInstanceId: null, ended, suspended: false, tenantId: null },
      execution: null,
    }
    : {
      resultType: 'Execution',
      processInstance: null,
      execution: { id: waitId, processInstanceId: instance.id, ended, tenantId: null },
    };
  return withVariables ? { ...result, variables: toTypedVariables(instance.variables) } : result;
}
