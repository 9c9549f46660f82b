// What the runtime and the library need to know about one process, read once
// from the moddle tree: element names and types, who may work a user task,
// which job type a service task publishes, which message a catch event waits
// for, which process a call activity starts. Browser-safe.
import { camunda7CallVariables, type Camunda7CallVariables } from './camunda7-call-variables.js';
import { camunda7JobOf, camunda7Mappings, type InputOutput } from './camunda7-jobs.js';
import type { ModdleElement } from 'bpmn-moddle';
import { declaredDecisionCallOf, type DecisionBinding } from '../dmn/decision-call.js';
import { inferredDecisionVariables } from './inferred-decision.js';
import { CAMUNDA_URI } from './moddle.js';
import { embeddedFormsOf, userTaskFormOf, type UserTaskForm } from './user-task-form.js';

export interface ElementInfo {
  id: string;
  type: string; // bpmn:UserTask, …
  name?: string;
  /** Names, or one expression (`=…`, `${…}`) evaluated when the task is created (task-assignment.ts). */
  candidateGroups?: string[];
  /** Camunda's assignee: a user name or an expression. */
  assignee?: string;
  /** Camunda's candidateUsers: names, or one expression. */
  candidateUsers?: string[];
  jobType?: string;
  jobRetries?: number;
  /** zeebe:taskHeaders, handed to the worker with the job. */
  jobHeaders?: Record<string, string>;
  message?: { id: string; name: string; correlationKey?: string };
  /**
   * Message catches: `zeebe:property name="messagesReceivedSince"`, a FEEL expression giving an instant. A
   * buffered message received before it is not this catch's (runtime/buffered-delivery.ts).
   */
  messagesReceivedSince?: string;
  calledProcess?: string;
  /** A call activity's Camunda 8 `bindingType` (default `latest`), with the `versionTag` it names. */
  binding?: CallBinding;
  hasTimer?: boolean;
  /** zeebe:ioMapping inputs: local variables of the element (what a job's worker receives). */
  inputs?: { source: string; target: string }[];
  /** zeebe:ioMapping outputs, applied when the element completes. */
  outputs?: { source: string; target: string }[];
  /**
   * User tasks that declare no outputs: the variables the gateways after them read, taken as the
   * task's decision (inferred-decision.ts). They are among `outputs`, and a completion must send each.
   */
  inferredOutputs?: string[];
  /** A multi-instance activity: its inputs belong to its iterations. */
  multiInstance?: true;
  /** Multi-instance: the variable its iterations' outputs are gathered in (zeebe:loopCharacteristics outputCollection). */
  outputCollection?: string;
  /** Business rule tasks: the variable the called decision's result is written to (`resultVariable`). */
  decisionResult?: string;
  /** Business rule tasks that pin their decision's version: the decision and its binding (runtime/bound-decision.ts). */
  boundDecision?: { decisionId: string; binding: DecisionBinding };
  /** Multi-instance: the variables each iteration has of its own, its element and loopCounter (iterationVariablesOf). */
  iterationVariables?: string[];
  /** End events: `zeebe:property name="outcome"`, e.g. "rejected". */
  outcome?: string;
  /** Call activities: `propagateAllChildVariables="false"` hands back only the outputs (Camunda 8). */
  propagatesChildVariables?: false;
  /** Call activities: `propagateAllParentVariables="false"` passes the child only the inputs (Camunda 8). */
  propagatesParentVariables?: false;
  /** Call activities: Camunda 7's `camunda:in`/`camunda:out`, when it has any (camunda7-call-variables.ts). */
  camunda7Call?: Camunda7CallVariables;
  /** `zeebe:property name="orderChange"`: reaching the element settles the order's change being handled (status). */
  orderChange?: string;
  /** Inside a (event) sub-process rather than directly in the process. */
  nested?: boolean;
  /** User tasks: the element's own `bpmn:documentation` (why this step exists, shown to the approver). */
  documentation?: string;
  /** User tasks: the Camunda 8 form it carries (`zeebe:formDefinition`). */
  form?: UserTaskForm;
}

/** Which version of the called process a call activity starts (Camunda 8's `zeebe:calledElement bindingType`). */
export interface CallBinding {
  type: 'latest' | 'deployment' | 'versionTag';
  versionTag?: string;
}

export interface ProcessModel {
  key: string;
  /** `zeebe:versionTag`: what a call activity with `bindingType="versionTag"` asks for. */
  versionTag?: string;
  name?: string;
  documentation?: string;
  isExecutable: boolean;
  elements: Map<string, ElementInfo>;
  /** Keys of processes this one calls, in document order, without duplicates. */
  calls: string[];
  /**
   * Four eyes: user tasks of which one person may decide at most one per order,
   * from the process's `zeebe:property name="separationOfDuties"` (task ids, comma-separated).
   */
  separatedTasks: string[];
  /**
   * Four eyes within one instance: user tasks each decided by another person in the same instance of the process
   * (a special change's three acknowledgements), from `zeebe:property name="distinctDeciders"` (task ids, comma-separated).
   */
  distinctDeciders: string[];
  /** Process-level `zeebe:property name="takesOrders" value="true"`: started only by order entry. */
  takesOrders: boolean;
  /** The top-level none start event, whose outputs (if any) declare the start variables. */
  noneStartEventId?: string;
}

/** The process-level property that lists the tasks separated by four eyes. */
export const SEPARATION_OF_DUTIES = 'separationOfDuties';
/** The process-level property that lists the tasks one instance has decided by as many people. */
export const DISTINCT_DECIDERS = 'distinctDeciders';
export const TAKES_ORDERS_PROPERTY = 'takesOrders';

const MESSAGE_TYPES = new Set(['bpmn:MessageEventDefinition']);
/** Elements whose Camunda 7 code runs as a job. */
const JOB_ELEMENTS = new Set(['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask', 'bpmn:IntermediateThrowEvent', 'bpmn:EndEvent']);

export function compileProcessModels(definitions: ModdleElement): ProcessModel[] {
  const processes = (definitions.rootElements ?? []).filter((element) => element.$type === 'bpmn:Process');
  return processes.map((process) => compileProcess(process));
}

/**
 * What a deployment makes a library process: the processes not marked `isExecutable="false"` (an absent attribute
 * counts as executable, as in Camunda 7). A pool marked non-executable is documentation (the customer's side of a
 * collaboration, a descriptive Signavio or Bizagi model): Camunda 7 and 8 deploy only the executable processes of a
 * file, and so does Stratum; the file keeps the others byte for byte.
 */
export function isExecutableProcess(process: ModdleElement): boolean {
  return process.$type === 'bpmn:Process' && process.isExecutable !== false;
}

function compileProcess(process: ModdleElement): ProcessModel {
  const elements = new Map<string, ElementInfo>();
  const calls: string[] = [];
  let noneStartEventId: string | undefined;
  const forms = embeddedFormsOf(process);
  for (const element of allFlowElements(process)) {
    const info = describeElement(element);
    if (element.$type === 'bpmn:UserTask') describeUserTask(element, info, forms);
    if (element.$parent !== process) info.nested = true;
    elements.set(info.id, info);
    if (info.calledProcess && !calls.includes(info.calledProcess)) calls.push(info.calledProcess);
    const isNoneStart = element.$type === 'bpmn:StartEvent' && !info.nested && !(element.eventDefinitions ?? []).length;
    if (isNoneStart) noneStartEventId ??= info.id;
  }
  return {
    key: process.id,
    name: process.name,
    documentation: documentationOf(process),
    isExecutable: process.isExecutable !== false,
    elements,
    calls,
    separatedTasks: separatedTasksOf(process),
    distinctDeciders: distinctDecidersOf(process),
    takesOrders: propertyOf(process, TAKES_ORDERS_PROPERTY)?.trim() === 'true',
    ...(noneStartEventId && { noneStartEventId }),
    ...(versionTagOf(process) && { versionTag: versionTagOf(process) }),
  };
}

/** What an approver sees of a user task besides its name: why it exists and the form to decide with. */
function describeUserTask(element: ModdleElement, info: ElementInfo, forms: Map<string, Record<string, unknown>>): void {
  const documentation = documentationOf(element);
  if (documentation) info.documentation = documentation;
  const form = userTaskFormOf(element, forms);
  if (form) info.form = form;
}

export function separatedTasksOf(process: ModdleElement): string[] {
  return splitList(propertyOf(process, SEPARATION_OF_DUTIES)) ?? [];
}

export function distinctDecidersOf(process: ModdleElement): string[] {
  return splitList(propertyOf(process, DISTINCT_DECIDERS)) ?? [];
}

export function describeElement(element: ModdleElement): ElementInfo {
  const info: ElementInfo = { id: element.id, type: element.$type };
  if (element.name) info.name = element.name;

  const candidateGroups = candidateGroupsOf(element);
  if (candidateGroups) info.candidateGroups = candidateGroups;
  const { assignee, candidateUsers } = userAssignmentOf(element);
  if (assignee) info.assignee = assignee;
  if (candidateUsers) info.candidateUsers = candidateUsers;

  const job = jobOf(element);
  if (job) {
    info.jobType = job.type;
    if (job.retries !== undefined) info.jobRetries = job.retries;
    const headers = extensionValues(element, 'zeebe:TaskHeaders').flatMap((list) => list.values ?? []);
    if (headers.length) info.jobHeaders = Object.fromEntries(headers.map((header): [string, string] => [header.key ?? '', header.value ?? '']));
  } else {
    // Camunda 7 Java delegates, expressions and connectors run as external jobs (camunda7-jobs.ts)
    const code = JOB_ELEMENTS.has(element.$type) ? camunda7JobOf(element, (owner, name) => camundaAttribute(owner as ModdleElement, name), extensionValues(element, 'camunda:Connector')[0] as Parameters<typeof camunda7JobOf>[2]) : undefined;
    if (code) {
      info.jobType = code.type;
      info.jobHeaders = code.headers;
      if (code.inputs) info.inputs = code.inputs;
      if (code.outputs) info.outputs = code.outputs;
    }
  }

  const message = messageOf(element);
  if (message) info.message = message;
  const receivedSince = propertyOf(element, MESSAGES_RECEIVED_SINCE);
  if (message && receivedSince) info.messagesReceivedSince = receivedSince;

  if (element.loopCharacteristics?.$type === 'bpmn:MultiInstanceLoopCharacteristics') {
    info.multiInstance = true;
    info.iterationVariables = iterationVariablesOf(element);
  }
  const loop = element.loopCharacteristics ? extensionValues(element.loopCharacteristics, 'zeebe:LoopCharacteristics')[0] : undefined;
  if (typeof loop?.outputCollection === 'string' && loop.outputCollection) info.outputCollection = loop.outputCollection;

  if (element.$type === 'bpmn:BusinessRuleTask') {
    const decision = declaredDecisionCallOf(element as unknown as Parameters<typeof declaredDecisionCallOf>[0]);
    if (decision?.resultVariable) info.decisionResult = decision.resultVariable;
    if (decision?.binding) info.boundDecision = { decisionId: decision.decisionRef, binding: decision.binding };
  }

  const called = calledProcessOf(element);
  if (called) info.calledProcess = called;
  const binding = called ? bindingOf(element) : undefined;
  if (binding) info.binding = binding;
  if (called && extensionValues(element, 'zeebe:CalledElement')[0]?.propagateAllChildVariables === false) info.propagatesChildVariables = false;
  if (called && extensionValues(element, 'zeebe:CalledElement')[0]?.propagateAllParentVariables === false) info.propagatesParentVariables = false;
  const camunda7Call = called ? camunda7CallVariables(element).mappings : undefined;
  if (camunda7Call) info.camunda7Call = camunda7Call;

  if ((element.eventDefinitions ?? []).some((definition) => definition.$type === 'bpmn:TimerEventDefinition')) {
    info.hasTimer = true;
  }

  const mappings = extensionValues(element, 'zeebe:IoMapping');
  const inputs = mappings.flatMap((mapping) => mapping.inputParameters ?? []);
  if (inputs.length) info.inputs = inputs.map((input) => ({ source: input.source ?? '', target: input.target ?? '' }));
  const outputs = mappings.flatMap((mapping) => mapping.outputParameters ?? []);
  if (outputs.length) info.outputs = outputs.map((output) => ({ source: output.source ?? '', target: output.target ?? '' }));
  // Camunda 7 input/output parameters (docs/interop.md): the inputs are the activity's local variables (a
  // job's variables, evaluated before a connector's inputs, which may read them; runtime/local-inputs.ts);
  // the outputs, evaluated in that local scope, map its completion to the process, after a connector's.
  const camundaIo = readsCamundaInputOutput(element, info)
    ? camunda7Mappings(extensionValues(element, 'camunda:InputOutput')[0] as InputOutput | undefined)
    : undefined;
  if (camundaIo?.inputs.length) info.inputs = [...camundaIo.inputs, ...(info.inputs ?? [])];
  if (camundaIo?.outputs.length) info.outputs = [...(info.outputs ?? []), ...camundaIo.outputs];
  // A Camunda 7 user task's form fields are what its completer submits, each under its own name:
  // the same declaration as a zeebe:output reading the field (docs/modelling.md, "Decisions").
  const formFields = element.$type === 'bpmn:UserTask' ? camundaFormFieldIds(element) : [];
  const fieldOutputs = formFields
    .filter((id) => !outputs.length && !(info.outputs ?? []).some((output) => output.target === id))
    .map((id) => ({ source: `=${id}`, target: id }));
  if (fieldOutputs.length) info.outputs = [...(info.outputs ?? []), ...fieldOutputs];
  // A user task that declares nothing decides what the gateways after it read (inferred-decision.ts).
  const inferred = element.$type === 'bpmn:UserTask' && !info.outputs?.length ? inferredDecisionVariables(element) : [];
  if (inferred.length) {
    info.inferredOutputs = inferred;
    info.outputs = inferred.map((name) => ({ source: `=${name}`, target: name }));
  }

  const outcome = propertyOf(element, 'outcome');
  if (outcome) info.outcome = outcome;
  const orderChange = propertyOf(element, 'orderChange');
  if (orderChange) info.orderChange = orderChange;
  return info;
}

/**
 * The variables each iteration of a multi-instance activity has of its own, as runtime/multi-instance.ts
 * puts them in its scope: its element (zeebe:loopCharacteristics inputElement, Camunda 7
 * camunda:elementVariable), when named, and loopCounter. None for another activity.
 */
export function iterationVariablesOf(element: ModdleElement): string[] {
  const loop = element.loopCharacteristics;
  if (loop?.$type !== 'bpmn:MultiInstanceLoopCharacteristics') return [];
  const named: unknown = extensionValues(loop, 'zeebe:LoopCharacteristics')[0]?.inputElement ?? loop.elementVariable ?? loop.$attrs?.['camunda:elementVariable'];
  return [...(typeof named === 'string' && named ? [named] : []), 'loopCounter'];
}

/**
 * Elements whose camunda:inputOutput Stratum applies: user tasks and jobs (also multi-instance, per iteration),
 * and every other activity and intermediate or end event Camunda 7 maps for, unless multi-instance.
 * The lint rule supported-elements warns about the rest (start and boundary events, event sub-processes,
 * multi-instance), which are not read.
 */
export function readsCamundaInputOutput(element: ModdleElement, info: Pick<ElementInfo, 'jobType'> = describeJob(element)): boolean {
  if (element.$type === 'bpmn:UserTask' || info.jobType) return true;
  if (!CAMUNDA_IO_ELEMENTS.has(element.$type) || element.triggeredByEvent === true) return false;
  return element.loopCharacteristics?.$type !== 'bpmn:MultiInstanceLoopCharacteristics';
}

/** Camunda 7's parents of camunda:inputOutput besides connectors: all tasks, call activities, embedded and transaction sub-processes, all events but start and boundary events. */
const CAMUNDA_IO_ELEMENTS = new Set([
  'bpmn:Task', 'bpmn:UserTask', 'bpmn:ManualTask', 'bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:ReceiveTask', 'bpmn:BusinessRuleTask', 'bpmn:ScriptTask',
  'bpmn:CallActivity', 'bpmn:SubProcess', 'bpmn:Transaction', 'bpmn:IntermediateCatchEvent', 'bpmn:IntermediateThrowEvent', 'bpmn:EndEvent',
]);

function describeJob(element: ModdleElement): Pick<ElementInfo, 'jobType'> {
  const { jobType } = describeElement(element);
  return jobType ? { jobType } : {};
}

/** The property that keeps older buffered messages from a message catch (docs/modelling.md, "Messages kept from before"). */
export const MESSAGES_RECEIVED_SINCE = 'messagesReceivedSince';

/** A `zeebe:property` of the element's `zeebe:properties`: what a designer sets under "Extension properties" in Camunda Modeler. */
export function propertyOf(element: ModdleElement, name: string): string | undefined {
  const property = extensionValues(element, 'zeebe:Properties')
    .flatMap((properties) => properties.properties ?? [])
    .find((candidate) => candidate.name === name);
  return property?.value || undefined;
}

/** Every flow element, also inside (event) sub-processes. */
export function* allFlowElements(container: ModdleElement): Generator<ModdleElement> {
  for (const element of container.flowElements ?? []) {
    yield element;
    if (element.flowElements) yield* allFlowElements(element);
  }
}

export function documentationOf(element: ModdleElement): string | undefined {
  const texts = (element.documentation ?? []).map((doc) => doc.text).filter(Boolean);
  return texts.length ? texts.join('\n') : undefined;
}

export function extensionValues(element: ModdleElement, type: string): ModdleElement[] {
  return (element.extensionElements?.values ?? []).filter((value) => value.$type === type);
}

function splitList(text: string | undefined): string[] | undefined {
  if (!text) return undefined;
  const list = text.split(',').map((part) => part.trim()).filter(Boolean);
  return list.length ? list : undefined;
}

function camundaFormFieldIds(element: ModdleElement): string[] {
  return extensionValues(element, 'camunda:FormData')
    .flatMap((form) => form.fields ?? [])
    .map((field) => String(field.id ?? '').trim())
    .filter(Boolean);
}

/** A Camunda 7 attribute, read through camunda-bpmn-moddle or, in a zeebe-flavoured file, from the unknown attributes. */
function camundaAttribute(element: ModdleElement, name: string): string | undefined {
  const declared = element.get(name);
  return (typeof declared === 'string' ? declared : undefined) ?? element.$attrs?.[`{${CAMUNDA_URI}}${name}`] ?? prefixedAttribute(element, name);
}

// moddle keeps unknown attributes under their prefixed name, e.g. "camunda:topic".
function prefixedAttribute(element: ModdleElement, name: string): string | undefined {
  const attrs = element.$attrs ?? {};
  const key = Object.keys(attrs).find((candidate) => candidate.endsWith(`:${name}`) && candidate.startsWith('camunda'));
  return key ? attrs[key] : undefined;
}

function candidateGroupsOf(element: ModdleElement): string[] | undefined {
  const zeebe = extensionValues(element, 'zeebe:AssignmentDefinition')[0];
  if (zeebe?.candidateGroups) return parseGroupList(zeebe.candidateGroups);
  return namesOrExpression(camundaAttribute(element, 'candidateGroups'));
}

/** zeebe:assignmentDefinition assignee/candidateUsers, else Camunda 7's attributes. */
function userAssignmentOf(element: ModdleElement): { assignee?: string; candidateUsers?: string[] } {
  const zeebe = extensionValues(element, 'zeebe:AssignmentDefinition')[0];
  const assignee = (zeebe?.assignee || camundaAttribute(element, 'assignee'))?.trim() || undefined;
  const candidateUsers = zeebe?.candidateUsers ? parseGroupList(zeebe.candidateUsers) : namesOrExpression(camundaAttribute(element, 'candidateUsers'));
  return { ...(assignee && { assignee }), ...(candidateUsers && { candidateUsers }) };
}

/** `a, b`, or a whole JUEL/FEEL expression (`${approverGroups}`) kept as one entry. */
function namesOrExpression(text: string | undefined): string[] | undefined {
  const trimmed = text?.trim();
  if (trimmed && /^(=|[$#]\{)/.test(trimmed)) return [trimmed];
  return splitList(trimmed);
}

// `=["a","b"]` (a static FEEL list) or `a, b`.
function parseGroupList(text: string): string[] | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith('=')) {
    const literal = /^=\s*\[(.*)\]\s*$/.exec(trimmed);
    if (!literal) return [trimmed];
    return splitList(literal[1].replace(/["']/g, ''));
  }
  return splitList(trimmed);
}

/**
 * The most retries a job may declare or be given: Zeebe's and Camunda 7's 32-bit count (and the `integer`
 * column both stores keep them in). Every route that sets a job's retries takes up to this.
 */
export const MAX_JOB_RETRIES = 2_147_483_647;

/**
 * A job's declared retries (`zeebe:taskDefinition retries`): a count from 1 to MAX_JOB_RETRIES, written as it is
 * or as a FEEL number literal (`=5`); null for anything else (service-task-job-type refuses it at deploy), undefined
 * when none is declared (the default, 3).
 */
export function declaredJobRetries(text: string | undefined): number | null | undefined {
  const trimmed = text?.trim() ?? '';
  if (!trimmed) return undefined;
  const count = /^(?:=\s*)?([0-9]{1,10})$/.exec(trimmed);
  const retries = count ? Number(count[1]) : Number.NaN;
  return retries >= 1 && retries <= MAX_JOB_RETRIES ? retries : null;
}

function jobOf(element: ModdleElement): { type: string; retries?: number } | undefined {
  const definition = extensionValues(element, 'zeebe:TaskDefinition')[0];
  if (definition?.type) {
    const retries = declaredJobRetries(definition.retries);
    return { type: definition.type, ...(typeof retries === 'number' && { retries }) };
  }
  if (camundaAttribute(element, 'type') === 'external') {
    const topic = camundaAttribute(element, 'topic');
    if (topic) return { type: topic };
  }
  return undefined;
}

function messageOf(element: ModdleElement): ElementInfo['message'] {
  const definition = (element.eventDefinitions ?? []).find((d) => MESSAGE_TYPES.has(d.$type));
  const message = definition?.messageRef ?? (element.$type === 'bpmn:ReceiveTask' ? element.messageRef : undefined);
  if (!message?.id) return undefined;
  const subscription = extensionValues(message, 'zeebe:Subscription')[0];
  return {
    id: message.id,
    name: message.name ?? message.id,
    ...(subscription?.correlationKey && { correlationKey: subscription.correlationKey }),
  };
}

function calledProcessOf(element: ModdleElement): string | undefined {
  if (element.$type !== 'bpmn:CallActivity') return undefined;
  const zeebe = extensionValues(element, 'zeebe:CalledElement')[0];
  return zeebe?.processId || element.calledElement || undefined;
}

function bindingOf(element: ModdleElement): CallBinding | undefined {
  const zeebe = extensionValues(element, 'zeebe:CalledElement')[0];
  const type = zeebe?.bindingType;
  if (type !== 'deployment' && type !== 'versionTag' && type !== 'latest') return undefined;
  return { type, ...(zeebe.versionTag && { versionTag: String(zeebe.versionTag) }) };
}

function versionTagOf(process: ModdleElement): string | undefined {
  return extensionValues(process, 'zeebe:VersionTag')[0]?.value || undefined;
}
