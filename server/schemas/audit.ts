// Schemas of the audit reads: the refused attempts of every order (GET /api/audit/refused).
import { CALLER_ROUTES, ENGINE_ROUTE, REFUSED_EVENTS } from '../../engine/store/types.js';
import { afterParameter, limitParameter, REFUSED_PAGE } from '../http/pagination.js';
import { dateTime, nullable, printableId, printableKey, ref, type JsonSchema } from './common.js';

export const RefusedAttemptsQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    event: { type: 'string', enum: [...REFUSED_EVENTS], description: 'Only the attempts kept as this event.' },
    actor: printableId(200, 'Only the attempts of this user (the authenticated user the entry names as `actor`).'),
    reason: printableKey(100, 'Only the attempts refused for this reason (`data.reason`: `four-eyes-starter`, `order-change-open`, `engine-message`, `order-shipped`, `role` …).'),
    businessKey: printableKey(200, 'Only the attempts at this order (the business key of its root instance), its called instances included.'),
    since: { ...dateTime, description: 'Kept at or after this instant (ISO 8601 with a time zone).' },
    until: { ...dateTime, description: 'Kept before this instant.' },
    limit: limitParameter(REFUSED_PAGE),
    after: afterParameter,
  },
};

export const RefusedAttempt: JsonSchema = {
  type: 'object',
  required: ['seq', 'at', 'event', 'actor', 'instanceId', 'businessKey', 'processKey', 'processVersion', 'elementId', 'elementName', 'elementType', 'waitId', 'data'],
  properties: {
    seq: { type: 'integer', minimum: 1, description: 'The entry\'s number in the history.' },
    at: dateTime,
    event: { type: 'string', enum: [...REFUSED_EVENTS] },
    actor: nullable({ type: 'string' }),
    via: { type: 'string', enum: [...CALLER_ROUTES, ENGINE_ROUTE], description: 'The route the attempt came by, as in the history (`api`, `camunda7`, `camunda8`, `runtime`); absent on entries written before routes were recorded.' },
    instanceId: { type: 'string', description: 'The instance whose history keeps it (a called instance for a refused cancel of one).' },
    businessKey: nullable({ type: 'string', description: 'The order\'s number: the business key of the instance\'s root.' }),
    processKey: { type: 'string', description: 'The process of that instance.' },
    processVersion: { type: 'integer', minimum: 1, description: 'The version of that process the instance runs.' },
    elementId: nullable({ type: 'string' }),
    elementName: nullable({ type: 'string', description: 'The element\'s name in that version (as Camunda\'s history gives `activityName`); null without an element or a name.' }),
    elementType: nullable({ type: 'string' }),
    waitId: nullable({ type: 'string', description: 'The task or job attempted, for `task.refused` and `job.refused`.' }),
    data: nullable({ type: 'object', description: 'As the history keeps it: `reason`, `refusal` (the answer\'s detail), `attempted`, and what was sent within its budget.' }),
  },
};

export const RefusedAttemptPage: JsonSchema = {
  type: 'object',
  required: ['items', 'limit', 'next'],
  properties: {
    items: { type: 'array', items: ref('RefusedAttempt') },
    limit: { type: 'integer', minimum: 1 },
    next: { type: ['string', 'null'], description: 'Cursor of the next page: pass it as `after` with the same filters. Null on the last page.' },
  },
};
