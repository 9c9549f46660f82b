// Request bodies and query strings. Every object refuses unknown properties.
import { afterParameter, INSTANCE_PAGE, limitParameter, TASK_PAGE } from '../http/pagination.js';
import { FILE_NAME_PATTERN, name, printableKey, safeText, variables, VARIABLE_NAME_PATTERN, type JsonSchema } from './common.js';

export const PAYMENT_TERMS = ['credit', 'prepaid-at-entry', 'prepaid-at-shipment'] as const;
export type PaymentTerms = (typeof PAYMENT_TERMS)[number];

/** The largest amount accepted: keeps cents exact in a double. */
export const MAX_AMOUNT = 1e13;

export const OrderRequest: JsonSchema = {
  examples: [{ orderNo: 'SO-1001', customer: { name: 'Hoffmann Maschinenbau GmbH', country: 'DE' }, amount: 1_250_000, currency: 'EUR', paymentTerms: 'credit', specialChange: { description: 'paint in RAL 5015' } }],
  type: 'object',
  description: 'A sales order entered by the ERP or CRM. Amounts are in units of `currency`.',
  required: ['orderNo', 'customer', 'amount', 'currency', 'paymentTerms'],
  additionalProperties: false,
  properties: {
    orderNo: printableKey(64, 'The order number; becomes the business key of every instance, task, job and message of the order.'),
    customer: {
      type: 'object',
      description:
        'The customer. `name` is required; up to 20 further text fields (e.g. `id`, `country`, `vatId`) are kept with the order, each at most 500 characters.',
      required: ['name'],
      maxProperties: 21,
      propertyNames: { pattern: VARIABLE_NAME_PATTERN },
      properties: { name: safeText(200) },
      additionalProperties: safeText(500),
    },
    amount: {
      type: 'number',
      minimum: 0,
      maximum: MAX_AMOUNT,
      // not multipleOf 0.01: binary floating point makes validators refuse amounts like 7682413752086.77
      'x-max-decimals': 2,
      description: 'Order total, at most two decimals.',
    },
    currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, e.g. EUR.' },
    paymentTerms: { type: 'string', enum: [...PAYMENT_TERMS] },
    specialChange: {
      type: 'object',
      description: 'Present when the order changes a product specially; procurement, production and inspection acknowledge it.',
      required: ['description'],
      additionalProperties: false,
      properties: { description: safeText(2000, { multiline: true }) },
    },
  },
};

/** The order as entered: tasks, jobs and messages add to it but never change it. */
export const ORDER_VARIABLES = ['orderNo', 'customer', 'amount', 'currency', 'paymentTerms', 'specialChange'] as const;

export const StartInstanceRequest: JsonSchema = {
  examples: [{ businessKey: 'SO-1001', variables: { orderNo: 'SO-1001', amount: 1200 } }],
  type: 'object',
  additionalProperties: false,
  properties: {
    businessKey: printableKey(200),
    variables: variables('Variables the instance starts with.'),
  },
};

export const CompleteTaskRequest: JsonSchema = {
  examples: [{ variables: { approved: true, comment: 'long-standing customer' } }],
  type: 'object',
  additionalProperties: false,
  properties: {
    variables: variables(
      'Become process variables. Approval tasks read `approved`.',
      {
        approved: { type: 'boolean', description: 'The decision of an approval task.' },
        comment: { type: 'string', maxLength: 2000 },
      },
      ORDER_VARIABLES,
    ),
  },
};

export const FetchAndLockRequest: JsonSchema = {
  examples: [{ type: 'procurement-planning', workerId: 'erp-worker-1', lockMs: 60_000, max: 10 }],
  type: 'object',
  required: ['type', 'workerId'],
  additionalProperties: false,
  properties: {
    type: name('Job type, e.g. procurement-planning.'),
    workerId: printableKey(200),
    lockMs: { type: 'integer', minimum: 1000, maximum: 86_400_000, description: 'How long the jobs stay locked for this worker (the engine\'s default when absent).' },
    max: { type: 'integer', minimum: 1, maximum: 100, description: 'At most this many jobs (1 when absent).' },
  },
};

export const CompleteJobRequest: JsonSchema = {
  examples: [{ variables: { plannedWeek: 48 }, workerId: 'erp-worker-1' }],
  type: 'object',
  additionalProperties: false,
  properties: {
    variables: variables('Become process variables.', {}, ORDER_VARIABLES),
    workerId: printableKey(200),
  },
};

export const JobFailureRequest: JsonSchema = {
  examples: [{ message: 'ERP timeout', retries: 2, workerId: 'erp-worker-1' }],
  type: 'object',
  required: ['message', 'retries'],
  additionalProperties: false,
  properties: {
    message: { type: 'string', minLength: 1, maxLength: 4000 },
    retries: { type: 'integer', minimum: 0, maximum: 100, description: 'Retries left; 0 raises an incident.' },
    workerId: printableKey(200),
  },
};

export const JobErrorRequest: JsonSchema = {
  examples: [{ errorCode: 'ARTICLE_BLOCKED', message: 'article blocked by quality', workerId: 'erp-worker-1' }],
  type: 'object',
  required: ['errorCode'],
  additionalProperties: false,
  properties: {
    errorCode: name('The errorCode an error boundary event on the job\'s element catches, e.g. ARTICLE_BLOCKED.'),
    message: { type: 'string', maxLength: 4000 },
    variables: variables('Become process variables.', {}, ORDER_VARIABLES),
    workerId: printableKey(200),
  },
};

export const MessageRequest: JsonSchema = {
  examples: [{ name: 'PaymentReceived', businessKey: 'SO-1001', variables: { paidAt: '2026-11-27' } }],
  type: 'object',
  required: ['name', 'businessKey'],
  additionalProperties: false,
  properties: {
    name: name('Message name, e.g. PaymentReceived.'),
    businessKey: printableKey(200),
    variables: variables('Become process variables of the instance the message reaches.', {}, ORDER_VARIABLES),
  },
};

export const INSTANCE_STATUSES = ['running', 'completed', 'rejected', 'failed', 'cancelled'] as const;

/** Query strings: values arrive as text and are coerced to the declared type. */
export const InstancesQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    processKey: name(),
    businessKey: printableKey(200),
    status: { type: 'string', enum: [...INSTANCE_STATUSES] },
    limit: limitParameter(INSTANCE_PAGE),
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000_000, default: 0, description: 'Rows to skip (after `after`, when both are given). Deep offsets read every skipped row: page with `after`.' },
    after: afterParameter,
  },
};

export const TasksQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    candidateGroup: printableKey(100),
    businessKey: printableKey(200),
    instanceId: printableKey(200),
    limit: limitParameter(TASK_PAGE),
    after: afterParameter,
  },
};

export const DeploymentQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200, pattern: FILE_NAME_PATTERN, description: 'File name of a single XML body, e.g. order-to-cash.bpmn.' },
    note: { type: 'string', maxLength: 2000 },
  },
};

export const EmptyQuery: JsonSchema = { type: 'object', additionalProperties: false, properties: {} };
