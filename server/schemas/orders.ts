// Schemas of the order resource (GET /api/orders, GET /api/orders/{orderNo},
// POST /api/orders/{orderNo}/cancel) and of the order summary tasks and jobs carry.
import { ORDER_STATUSES } from '../../engine/orders/order-status.js';
import { afterParameter, limitParameter, ORDER_PAGE } from '../http/pagination.js';
import { dateTime, nullable, ref, safeText, type JsonSchema } from './common.js';
import { INSTANCE_STATUSES } from './requests.js';

const decimal = (description: string): JsonSchema => ({ type: 'string', pattern: '^\\d+(\\.\\d+)?$', description });

export const OrderSummary: JsonSchema = {
  type: 'object',
  description: 'The order a task or job belongs to, as entered: who ordered, how much, on which terms.',
  required: ['orderNo', 'customer', 'amount', 'currency', 'paymentTerms', 'reportingAmount', 'reportingCurrency'],
  properties: {
    orderNo: { type: 'string' },
    customer: { type: 'string', description: '`customer.name` as entered.' },
    amount: decimal('The amount as entered, with the currency\'s minor units.'),
    currency: { type: 'string', description: 'ISO 4217.' },
    paymentTerms: { type: 'string', enum: ['credit', 'prepaid-at-entry', 'prepaid-at-shipment'] },
    reportingAmount: decimal('The amount converted into the reporting currency (what the approval thresholds compare).'),
    reportingCurrency: { type: 'string' },
  },
};

export const OrderListItem: JsonSchema = {
  allOf: [ref('OrderSummary')],
  type: 'object',
  required: ['status', 'instanceId', 'enteredAt'],
  properties: {
    status: { type: 'string', enum: [...ORDER_STATUSES], description: 'Derived from where the order stands (docs/api.md, "Order status").' },
    instanceId: { type: 'string', description: 'The root instance the order started.' },
    enteredAt: dateTime,
  },
};

export const OrderWait: JsonSchema = {
  allOf: [ref('InstanceWait')],
  type: 'object',
  required: ['mayAct'],
  properties: {
    mayAct: { type: 'array', items: { type: 'string' }, description: 'Groups whose members may act on it now: a task\'s candidate groups; `integration` for jobs and messages; none for timers, and none while it is `held`.' },
  },
};

export const OrderView: JsonSchema = {
  allOf: [ref('OrderListItem')],
  type: 'object',
  required: ['entered', 'exchangeRate', 'rateDate', 'enteredBy', 'incident', 'waiting', 'versions', 'history'],
  properties: {
    entered: { type: 'object', description: 'The order as entered: orderNo, customer, amount, currency, paymentTerms, specialChange.' },
    exchangeRate: decimal('Units of the reporting currency for one unit of `currency`.'),
    rateDate: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    enteredBy: nullable({ type: 'string' }),
    incident: nullable(ref('StepIncident')),
    waiting: { type: 'array', items: ref('OrderWait') },
    versions: {
      type: 'array',
      description: 'Every instance of the order\'s call tree with the process version it runs on, the root first.',
      items: {
        type: 'object',
        required: ['instanceId', 'parentId', 'processKey', 'version', 'status'],
        properties: {
          instanceId: { type: 'string' },
          parentId: nullable({ type: 'string' }),
          processKey: { type: 'string' },
          version: { type: 'integer', minimum: 1 },
          status: { type: 'string', enum: [...INSTANCE_STATUSES] },
        },
      },
    },
    history: { type: 'array', items: ref('HistoryEntry'), description: 'The history of the whole call tree, in order.' },
  },
};

export const OrderPage: JsonSchema = {
  type: 'object',
  required: ['items', 'limit', 'next'],
  properties: {
    items: { type: 'array', items: ref('OrderListItem') },
    limit: { type: 'integer', minimum: 1 },
    next: { type: ['string', 'null'], description: 'Cursor of the next page: pass it as `after` with the same filters. Null on the last page.' },
  },
};

export const OrdersQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: [...ORDER_STATUSES] },
    customer: safeText(200, { description: '`customer.name` as entered, exactly.' }),
    from: { ...dateTime, description: 'Entered at or after this instant (ISO 8601 with a time zone).' },
    to: { ...dateTime, description: 'Entered before this instant.' },
    limit: limitParameter(ORDER_PAGE),
    after: afterParameter,
  },
};

export const OrderCancelRequest: JsonSchema = {
  examples: [{ reason: 'customer withdrew the order' }],
  type: 'object',
  required: ['reason'],
  additionalProperties: false,
  properties: {
    reason: safeText(2000, { multiline: true, description: 'Why the order is cancelled; kept in the history of every cancelled instance with who cancelled it.' }),
  },
};
