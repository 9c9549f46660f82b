// Schemas of order events (GET /api/events) and webhook administration
// (/api/webhooks …): subscriptions, the delivery log, dead letters, redelivery.
import { orderEventType } from '../../engine/events/order-events.js';
import { ORDER_STATUSES } from '../../engine/orders/order-status.js';
import { CALLER_ROUTES } from '../../engine/store/types.js';
import { dateTime, nullable, printableKey, ref, type JsonSchema } from './common.js';

export const ORDER_EVENT_TYPES = ORDER_STATUSES.map(orderEventType);
const DELIVERY_STATUSES = ['pending', 'delivered', 'dead'];
const eventNumber = (description: string): JsonSchema => ({ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description });

export const OrderEvent: JsonSchema = {
  type: 'object',
  description: 'A CloudEvents 1.0 event in structured JSON: one change of an order\'s status.',
  required: ['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'stratumseq', 'data'],
  properties: {
    specversion: { const: '1.0' },
    id: { type: 'string', description: 'Unique per event; also the `webhook-id` of every delivery of it (deduplicate on it).' },
    source: { const: '/stratum/orders' },
    type: { type: 'string', enum: ORDER_EVENT_TYPES },
    subject: { type: 'string', description: 'The order number.' },
    time: dateTime,
    datacontenttype: { const: 'application/json' },
    stratumseq: eventNumber('Position in the outbox, in commit order: pass the last one processed as `after`.'),
    data: {
      type: 'object',
      required: ['orderNo', 'status', 'previousStatus', 'instanceId', 'customer', 'amount', 'currency', 'paymentTerms', 'waiting'],
      properties: {
        orderNo: { type: 'string' },
        status: { type: 'string' },
        previousStatus: nullable({ type: 'string' }),
        instanceId: { type: 'string' },
        customer: { type: 'string' },
        amount: { type: 'string' },
        currency: { type: 'string' },
        paymentTerms: { type: 'string' },
        reportingAmount: { type: 'string' },
        reportingCurrency: { type: 'string' },
        enteredAt: dateTime,
        actor: { ...nullable({ type: 'string' }), description: 'Who caused the change: the authenticated user of the step that made it; null for a step nobody called (a timer) and on events written before it was recorded (absent then).' },
        via: { ...nullable({ type: 'string', enum: [...CALLER_ROUTES] }), description: 'The route that step\'s call came by (`api`, `camunda7`, `camunda8`, or `runtime` for the runtime API called in-process); null when nobody called it.' },
        waiting: { type: 'array', items: ref('WaitingElement'), description: 'What the order waits for at this status, each with `held` as the order resource says it (a job an open change holds, a wait a failed instance holds: acting on it is refused with 409 meanwhile).' },
      },
    },
  },
};

export const OrderEventPage: JsonSchema = {
  type: 'object',
  required: ['items', 'next'],
  properties: {
    items: { type: 'array', items: ref('OrderEvent') },
    next: eventNumber('Pass as `after` for the events after this page (the same number when there were none).'),
  },
};

export const EventsQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    after: { ...eventNumber('Events after this outbox number; 0 (default) from the first.'), default: 0 },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    type: { type: 'string', enum: ORDER_EVENT_TYPES },
    orderNo: printableKey(200, 'Only this order\'s events.'),
  },
};

export const WebhookSubscription: JsonSchema = {
  type: 'object',
  required: ['id', 'url', 'types', 'source', 'createdAt', 'createdBy', 'previousSecretUntil'],
  properties: {
    id: { type: 'string' },
    url: { type: 'string', format: 'uri', description: 'Where events are POSTed; credentials in it are masked: the password (`https://erp:***@host/…`) and the values of query parameters named for a credential (`?token=***`).' },
    types: { type: 'array', items: { type: 'string' }, description: 'Event types delivered; empty: all.' },
    source: { type: 'string', enum: ['api', 'config'] },
    createdAt: dateTime,
    createdBy: nullable({ type: 'string' }),
    previousSecretUntil: {
      ...nullable(dateTime),
      description: 'Until then deliveries are also signed with the secret the last one replaced (a grace period for receivers: `webhook-signature` carries both); null when not (any more).',
    },
  },
};

export const WebhookSubscriptionCreated: JsonSchema = {
  allOf: [ref('WebhookSubscription')],
  type: 'object',
  required: ['secret'],
  properties: { secret: { type: 'string', description: 'The signing secret (Standard Webhooks). Shown only in this answer.' } },
};

export const WebhookSubscriptionList: JsonSchema = { type: 'array', items: ref('WebhookSubscription') };

export const WebhookSubscriptionRequest: JsonSchema = {
  examples: [{ url: 'https://erp.example.com/stratum/events', types: ['stratum.order.in-planning', 'stratum.order.fulfilled'] }],
  type: 'object',
  required: ['url'],
  additionalProperties: false,
  properties: {
    id: printableKey(100, 'Your name for the subscription; with an existing id the subscription is replaced (its place in the event stream is kept).'),
    url: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2000, description: 'Where events are POSTed. Credentials in it (user info, sent as Basic authentication, and query parameters named for a credential, such as `token`) are never shown back; the masked URL a GET answered, sent back with the same id and the same scheme, host, port and path, keeps the stored credential in place of each `***`.' },
    types: { type: 'array', items: { type: 'string', enum: ORDER_EVENT_TYPES }, maxItems: 20, description: 'Only these event types; all when absent or empty.' },
    secret: { type: 'string', pattern: '^whsec_[A-Za-z0-9+/]+={0,2}$', maxLength: 200, description: 'A Standard Webhooks secret; one is generated when absent. Replacing a subscription\'s secret signs its deliveries with the new and the old one for a grace period (24 hours unless STRATUM_WEBHOOKS_SECRET_GRACE_HOURS says otherwise).' },
  },
};

const fingerprint = nullable({ type: 'string', pattern: '^[0-9a-f]{12}$', description: 'The first 12 hex digits of the secret\'s SHA-256.' });

export const WebhookChange: JsonSchema = {
  type: 'object',
  required: ['seq', 'subscriptionId', 'at', 'actor', 'action', 'source', 'changes'],
  properties: {
    seq: eventNumber('Position in the audit: pass the last one seen as `after`.'),
    subscriptionId: { type: 'string' },
    at: dateTime,
    actor: { ...nullable({ type: 'string' }), description: 'The authenticated user; `system` for the STRATUM_WEBHOOKS file read at start.' },
    action: { type: 'string', enum: ['created', 'replaced', 'deleted', 'refused'] },
    source: { type: 'string', enum: ['api', 'config'] },
    changes: {
      type: 'object',
      description: 'What changed, from and to (null before creation and after deletion); a refusal lists what was attempted (a refused deletion: every member to null).',
      properties: {
        url: {
          type: 'object', required: ['from', 'to'],
          properties: { from: nullable({ type: 'string' }), to: nullable({ type: 'string' }), credentialsChanged: { const: true, description: 'Only the masked credentials differ.' } },
        },
        types: { type: 'object', required: ['from', 'to'], properties: { from: nullable({ type: 'array', items: { type: 'string' } }), to: nullable({ type: 'array', items: { type: 'string' } }) } },
        secret: { type: 'object', required: ['from', 'to'], properties: { from: fingerprint, to: fingerprint } },
      },
    },
    reason: { type: 'string', enum: ['config-subscription', 'webhook-target'], description: 'Why an attempt was refused.' },
  },
};

export const WebhookChangePage: JsonSchema = {
  type: 'object',
  required: ['items', 'next'],
  properties: {
    items: { type: 'array', items: ref('WebhookChange') },
    next: nullable(eventNumber('Pass as `after` for the next page; null on the last.')),
  },
};

export const WebhookChangesQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    after: { ...eventNumber('Changes after this position; 0 (default) from the first.'), default: 0 },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
  },
};

export const WebhookDelivery: JsonSchema = {
  type: 'object',
  required: ['id', 'subscriptionId', 'eventId', 'eventType', 'eventSeq', 'orderNo', 'status', 'attempts', 'nextAttemptAt', 'deadAfter', 'lastStatus', 'lastError', 'createdAt', 'deliveredAt', 'log'],
  properties: {
    id: { type: 'string' },
    subscriptionId: { type: 'string' },
    eventId: { type: 'string' },
    eventType: { type: 'string' },
    eventSeq: eventNumber('The event\'s outbox number.'),
    orderNo: { type: 'string' },
    status: { type: 'string', enum: DELIVERY_STATUSES, description: '`pending`: being retried; `delivered`; `dead`: retries ran out (the dead-letter list).' },
    attempts: { type: 'integer', minimum: 0 },
    nextAttemptAt: nullable(dateTime),
    deadAfter: { ...dateTime, description: 'A failed attempt from then on dead-letters the delivery.' },
    lastStatus: nullable({ type: 'integer' }),
    lastError: nullable({ type: 'string' }),
    createdAt: dateTime,
    deliveredAt: nullable(dateTime),
    log: {
      type: 'array',
      items: {
        type: 'object',
        required: ['at', 'durationMs', 'statusCode', 'error'],
        properties: { at: dateTime, durationMs: { type: 'integer', minimum: 0 }, statusCode: nullable({ type: 'integer' }), error: nullable({ type: 'string' }) },
      },
    },
  },
};

export const WebhookDeliveryPage: JsonSchema = {
  type: 'object',
  required: ['items', 'next'],
  properties: {
    items: { type: 'array', items: ref('WebhookDelivery') },
    next: nullable(eventNumber('Pass as `after` for the next page; null on the last.')),
  },
};

const deliveryPage = {
  after: eventNumber('Deliveries of events after this outbox number.'),
  limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
};

export const DeliveriesQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { status: { type: 'string', enum: DELIVERY_STATUSES }, ...deliveryPage },
};

/** The dead-letter list has no status filter: it lists dead letters only. */
export const DeadLettersQuery: JsonSchema = { type: 'object', additionalProperties: false, properties: deliveryPage };
