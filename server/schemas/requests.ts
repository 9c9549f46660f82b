// Request bodies and query strings. Every object refuses unknown properties.
import { MAX_JOB_RETRIES } from '../../engine/bpmn/process-model.js';
import { currencyCodesForOrders, currencyOf } from '../../engine/money/currencies.js';
import { MAX_AMOUNT } from '../../engine/money/conversion.js';
import { ORDER_VARIABLES, PAYMENT_TERMS } from '../../engine/orders/order-entry.js';
import { GUARANTEED_ORDER_ENTRIES } from '../../engine/orders/order-fields.js';
import { afterParameter, INSTANCE_PAGE, limitParameter, TASK_PAGE } from '../http/pagination.js';
import { errorCode, FILE_NAME_PATTERN, jobType, name, printableKey, safeText, variables, VARIABLE_NAME_PATTERN, type JsonSchema } from './common.js';

export { MAX_AMOUNT, PAYMENT_TERMS };
export type PaymentTerms = (typeof PAYMENT_TERMS)[number];

/** The most minor units of any ISO 4217 currency (CLF, UYW: 4). */
const MOST_MINOR_UNITS = 4;

/**
 * `amount` has at most the minor units of its `currency`: one `if currency is
 * one of […] then amount has at most n decimals` per count of minor units.
 * The engine checks the same (engine/money/conversion.ts) for every route.
 */
function minorUnitRules(): JsonSchema[] {
  const byUnits = new Map<number, string[]>();
  for (const code of currencyCodesForOrders()) {
    const units = currencyOf(code)!.minorUnits;
    byUnits.set(units, [...(byUnits.get(units) ?? []), code]);
  }
  return [...byUnits].sort(([a], [b]) => a - b).map(([units, codes]) => ({
    if: { required: ['currency'], properties: { currency: { type: 'string', enum: codes } } },
    then: { properties: { amount: { type: 'number', 'x-max-decimals': units } } },
  }));
}

export const OrderChangeRequest: JsonSchema = {
  examples: [{ changeId: 'CRM-4711-2', description: 'printing changed to the customer\'s new logo', amount: 1_200_000 }],
  type: 'object',
  description:
    'A change to a running order, requested by the CRM on the salesperson\'s behalf. Procurement, production and inspection acknowledge every change; a new `amount` (in the order\'s currency, with at most its minor units) is approved again when it needs a higher tier than already approved.',
  required: ['description'],
  additionalProperties: false,
  properties: {
    description: safeText(2000, { multiline: true }),
    amount: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: MAX_AMOUNT,
      'x-max-decimals': MOST_MINOR_UNITS,
      description: 'The new order total in the order\'s currency; more decimals than the currency has are refused with 422 naming `/amount`. Absent: the amount stays.',
    },
    changeId: printableKey(100, 'Makes the request idempotent: the same changeId with the same body answers the recorded change (200); with another body, 409. Not `.` or `..`, which a URL path resolves away (422).'),
  },
};

export const OrderRequest: JsonSchema = {
  examples: [{ orderNo: 'SO-1001', customer: { name: 'Hoffmann Maschinenbau GmbH', country: 'DE' }, amount: 1_250_000, currency: 'EUR', paymentTerms: 'credit', specialChange: { description: 'paint in RAL 5015' } }],
  type: 'object',
  description:
    'A sales order entered by the ERP or CRM. `amount` is in units of `currency` with at most its ISO 4217 minor units; the order is converted into the reporting currency at the rate of the day (see docs/money.md).',
  required: ['orderNo', 'customer', 'amount', 'currency', 'paymentTerms'],
  additionalProperties: false,
  allOf: minorUnitRules(),
  properties: {
    orderNo: printableKey(64, 'The order number; becomes the business key of every instance, task, job and message of the order. Not `.` or `..`, which a URL path resolves away (422).'),
    customer: {
      type: 'object',
      description:
        'The customer. `name` is required; up to 20 further text fields (e.g. `id`, `country`, `vatId`) are kept with the order, each at most 500 characters.',
      required: [...GUARANTEED_ORDER_ENTRIES.customer],
      maxProperties: 21,
      propertyNames: { pattern: VARIABLE_NAME_PATTERN },
      properties: { name: safeText(200) },
      additionalProperties: safeText(500),
    },
    amount: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: MAX_AMOUNT,
      // not multipleOf 0.01: binary floating point makes validators refuse amounts like 7682413752086.77
      'x-max-decimals': MOST_MINOR_UNITS,
      description: 'Order total, greater than 0, with at most the minor units of `currency` (2 for EUR, 0 for JPY, 3 for KWD); more is refused with 422 naming `/amount`.',
    },
    currency: {
      type: 'string',
      enum: currencyCodesForOrders(),
      description: 'ISO 4217 code, e.g. EUR. A currency without a rate in the operator\'s rate table is refused with 422 naming `/currency`.',
    },
    paymentTerms: { type: 'string', enum: [...PAYMENT_TERMS] },
    specialChange: {
      // null is the order's own value when there is none (GET /api/orders/{orderNo}), and what a CRM writing out empty fields sends
      type: ['object', 'null'],
      description: 'Present when the order changes a product specially; procurement, production and inspection acknowledge it. `null` or absent: no special change.',
      required: ['description'],
      additionalProperties: false,
      properties: { description: safeText(2000, { multiline: true }) },
    },
  },
};


export const StartInstanceRequest: JsonSchema = {
  // a process of one's own, not an order: an order number as business key is refused (409 order-exists)
  examples: [{ businessKey: 'CR-2026-11', variables: { customerId: 'C-4711' } }],
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
      'The variables the task declares (its zeebe:output sources read them); anything else is refused. Approval tasks read `approved`.',
      {
        approved: { type: 'boolean', description: 'The decision of an approval task.' },
        comment: {
          type: 'string', maxLength: 2000,
          description: 'Why, where the task declares it: required, with a visible character, when `approved` or `acknowledged` is false (422 naming `/variables/comment` otherwise).',
        },
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
    type: jobType('Job type, e.g. procurement-planning or io.camunda:http-json:1.'),
    workerId: printableKey(200),
    lockMs: { type: 'integer', minimum: 1000, maximum: 86_400_000, description: 'How long the jobs stay locked for this worker (the engine\'s default when absent).' },
    max: { type: 'integer', minimum: 1, maximum: 100, description: 'At most this many jobs (1 when absent).' },
    asyncResponseTimeout: {
      type: 'integer', minimum: 0, maximum: 1_800_000,
      description: 'Long polling (ms): when no job is fetchable, the answer waits up to this long and comes the moment a job of this type is created, failed with retries left, unlocked, freed by an incident\'s retry or released by the settlement of its order\'s last open change. 0 or absent answers at once.',
    },
    businessKey: printableKey(200, 'Only the jobs of this order (business key).'),
    variables: {
      type: 'array', maxItems: 200, uniqueItems: true, items: { type: 'string', pattern: VARIABLE_NAME_PATTERN },
      description: 'Hand the worker only these variables (all when absent).',
    },
  },
};

export const ExtendLockRequest: JsonSchema = {
  examples: [{ workerId: 'erp-worker-1', lockMs: 120_000 }],
  type: 'object',
  required: ['workerId', 'lockMs'],
  additionalProperties: false,
  properties: {
    workerId: printableKey(200),
    lockMs: { type: 'integer', minimum: 1000, maximum: 86_400_000, description: 'The new lock runs this long from now.' },
  },
};

export const UnlockJobRequest: JsonSchema = {
  examples: [{ workerId: 'erp-worker-1' }],
  type: 'object',
  additionalProperties: false,
  properties: {
    workerId: printableKey(200, 'The worker holding the job\'s lock, giving it back. Required while a worker holds it, unless the caller is in `operations` (freeing a stuck worker\'s job): another worker, or none, is refused with 409 `not-locked-by-worker`.'),
  },
};

/** The worker a job call comes from: the job's lock holder must name itself (docs/api.md, "Jobs and their locks"). */
const JOB_CALLER = printableKey(200, 'The worker that fetched the job (its workerId at fetch-and-lock), kept in the history as a label. Required while a worker holds the job\'s lock: another worker, or none, is refused with 409 `not-locked-by-worker`; a job no worker holds is acted on by its id.');

export const CompleteJobRequest: JsonSchema = {
  examples: [{ variables: { plannedWeek: 48 }, workerId: 'erp-worker-1' }],
  type: 'object',
  additionalProperties: false,
  properties: {
    variables: variables('Become process variables.', {}, ORDER_VARIABLES),
    workerId: JOB_CALLER,
  },
};

export const JobFailureRequest: JsonSchema = {
  examples: [{ message: 'ERP timeout', retries: 2, workerId: 'erp-worker-1' }],
  type: 'object',
  required: ['message', 'retries'],
  additionalProperties: false,
  properties: {
    message: { type: 'string', minLength: 1, maxLength: 4000 },
    // a diagram may declare up to 2^31-1 retries (service-task-job-type), and a worker fails a job with one fewer
    retries: { type: 'integer', minimum: 0, maximum: MAX_JOB_RETRIES, description: `Retries left (up to ${MAX_JOB_RETRIES}, as many as a job may declare); 0 raises an incident.` },
    workerId: JOB_CALLER,
    retryTimeout: { type: 'integer', minimum: 0, maximum: 86_400_000, description: 'With retries left, the job is fetched again only this many ms from now (0 or absent: at once).' },
  },
};

export const JobErrorRequest: JsonSchema = {
  examples: [{ errorCode: 'ARTICLE_BLOCKED', message: 'article blocked by quality', workerId: 'erp-worker-1' }],
  type: 'object',
  required: ['errorCode'],
  additionalProperties: false,
  properties: {
    errorCode: errorCode('The errorCode an error boundary event on the job\'s element catches, e.g. ARTICLE_BLOCKED or 404.'),
    message: { type: 'string', maxLength: 4000 },
    variables: variables('Become process variables.', {}, ORDER_VARIABLES),
    workerId: JOB_CALLER,
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
    messageId: printableKey(200, 'Makes the publish idempotent: while a message with this name, businessKey and messageId is kept (its time-to-live), and for as long as the order runs once the order has taken it, another is refused as a duplicate (409).'),
    timeToLive: {
      description:
        'How long the message is kept when nothing waits for it yet (Camunda 8): milliseconds, or an ISO 8601 duration of days, hours, minutes and seconds (`PT1H`, `P2DT12H`); at most P366D. 0 keeps nothing. Default: STRATUM_MESSAGE_TTL (one hour).',
      anyOf: [
        { type: 'integer', minimum: 0, maximum: 366 * 24 * 3600 * 1000 },
        { type: 'string', maxLength: 40, pattern: '^P(?:\\d+D)?(?:T(?:\\d+H)?(?:\\d+M)?(?:\\d+(?:\\.\\d{1,3})?S)?)?$' },
      ],
    },
  },
};

export const CancelRequest: JsonSchema = {
  examples: [{ reason: 'customer withdrew the order' }],
  type: 'object',
  required: ['reason'],
  additionalProperties: false,
  properties: {
    reason: safeText(2000, { multiline: true, description: 'Why the order is cancelled; kept in its history with who cancelled it.' }),
  },
};

export const IncidentRetryRequest: JsonSchema = {
  examples: [{ variables: { region: 'EMEA' } }, { retries: 3 }],
  type: 'object',
  additionalProperties: false,
  properties: {
    variables: variables('Set as process variables of the failed instance before its failed step runs again.', {}, ORDER_VARIABLES),
    retries: { type: 'integer', minimum: 1, maximum: MAX_JOB_RETRIES, description: `Job incidents only: the retries the job gets again (1 when absent; up to ${MAX_JOB_RETRIES}, as many as a job may declare).` },
  },
};

export const IncidentsQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    processKey: name(),
    businessKey: printableKey(200),
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    cursor: { type: 'string', pattern: '^\\d{1,15}$', description: '`nextCursor` of the previous page.' },
    after: { type: 'string', pattern: '^\\d{1,15}$', description: 'The same as `cursor`, under the name the other lists page with; not both.' },
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
    assignee: { ...printableKey(200), description: 'Only tasks assigned to this user, by the diagram or by their claim; `me` is the caller.' },
    businessKey: printableKey(200),
    instanceId: printableKey(200),
    mine: { type: 'boolean', description: 'Only the tasks the caller may complete: those of any of their groups that nobody else claimed, and those assigned to them (combine with `candidateGroup` to narrow to one group).' },
    held: { type: 'boolean', description: '`false`: only tasks that can be completed now (`held` is null); `true`: only those a failed instance holds.' },
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

export const ImpactQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...(DeploymentQuery.properties as Record<string, JsonSchema>),
    last: { type: 'integer', minimum: 1, maximum: 50_000, description: 'Replay the most recent orders (default 1,000).' },
    from: { type: 'string', format: 'date-time', description: 'Replay the orders entered at or after this instant.' },
    to: { type: 'string', format: 'date-time', description: 'Replay the orders entered before this instant.' },
    replay: { type: 'boolean', default: true, description: 'false: no replay, only diff, where-used, running orders and findings.' },
  },
};

export const DiffQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['to'],
  properties: { to: { type: 'integer', minimum: 1, maximum: 1_000_000_000, description: 'The version to compare with.' } },
};
