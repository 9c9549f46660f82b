// Multi-instance over a collection as Camunda runs it, on bpmn-elements' own
// loop (which keeps its place across getState/recover: the iteration index,
// the running count and the iterations' execution ids are in the stored state).
// What Stratum adds: the collection and the completion condition are FEEL or
// Camunda 7 JUEL (never bpmn-elements' `${environment…}` expressions), each
// iteration's element variable and loopCounter are put into its scope, and
// Camunda 8's outputElement is gathered into outputCollection as iterations
// complete. The gathered collection is an ordinary variable of the scope the
// activity runs in, so it is stored with the state after every step.
import * as elements from 'bpmn-elements';
import type { Activity, ElementContext, ElementMessage, MessageContent, SerializedBehaviour, SerializedElement, Environment } from 'bpmn-elements';
import { compileExpression, shortText, type CompiledExpression } from '../expressions/compile-expression.js';
import { FeelError } from '../feel/feel-expression.js';
import type { IncidentReason } from '../store/types.js';
import { withCatchAllErrorStarts } from './catch-all-error-start.js';
import { withReason } from './incident-reasons.js';
import { localInputsOf } from './local-inputs.js';
import { visibleVariables } from './visible-variables.js';

/** What an activity's multiInstanceLoopCharacteristics say, read from the zeebe extension or the camunda attributes. */
export interface LoopSpec {
  collection?: string;
  elementVariable?: string;
  outputCollection?: string;
  outputElement?: string;
  completionCondition?: string;
}

const COLLECTION = '\u0000stratum:collection';
const COMPLETION = '\u0000stratum:completion';
const INPUT_COLLECTION_FAILED: IncidentReason = { kind: 'input-collection-failed' };

/** The loop of a serialized activity (bpmn-elements' behaviour of its loop characteristics). */
export function loopSpecOf(behaviour: SerializedBehaviour | undefined): LoopSpec {
  const values = behaviour?.extensionElements?.values ?? [];
  const zeebe = values.find((value) => value?.$type === 'zeebe:LoopCharacteristics');
  const spec: LoopSpec = {};
  // moddle reads these attributes as text
  const collection = zeebe?.inputCollection ?? behaviour?.collection ?? behaviour?.$attrs?.['camunda:collection'];
  if (typeof collection === 'string' && collection) spec.collection = collection;
  const element = zeebe?.inputElement ?? behaviour?.elementVariable ?? behaviour?.$attrs?.['camunda:elementVariable'];
  if (typeof element === 'string' && element) spec.elementVariable = element;
  if (typeof zeebe?.outputCollection === 'string' && zeebe.outputCollection) spec.outputCollection = zeebe.outputCollection;
  if (typeof zeebe?.outputElement === 'string' && zeebe.outputElement) spec.outputElement = zeebe.outputElement;
  const completion = behaviour?.completionCondition;
  const completionText = typeof completion === 'string' ? completion : bodyOf(completion);
  if (typeof completionText === 'string' && completionText.trim()) spec.completionCondition = completionText.trim();
  return spec;
}

/** A serialized formal expression's text (bpmn-elements keeps the expression element, `body` its text). */
function bodyOf(expression: unknown): unknown {
  return typeof expression === 'object' && expression !== null && 'body' in expression ? expression.body : undefined;
}

/** The variables an iteration sees besides its scope's: its element and loopCounter (1-based, as Camunda counts). */
export function iterationVariables(spec: LoopSpec, content: MessageContent): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  if (typeof content?.index === 'number') variables.loopCounter = content.index + 1;
  if (spec.elementVariable && spec.elementVariable in (content ?? {})) variables[spec.elementVariable] = content[spec.elementVariable];
  return variables;
}

/** The execution of the multi-instance body an iteration belongs to (one activation): bpmn-elements names iterations `<body>_<index>`. */
export function multiInstanceBodyOf(iterationExecutionId: string): string {
  return iterationExecutionId.slice(0, iterationExecutionId.lastIndexOf('_'));
}

function compiled(activityId: string, what: string, text: string): CompiledExpression {
  try {
    return compileExpression(text);
  } catch (error) {
    throw new FeelError(`${what} of ${activityId}: "${shortText(text)}" ${(error as Error).message}`, text);
  }
}

/**
 * bpmn-elements' MultiInstanceLoopCharacteristics, handed the collection and the
 * completion condition through a scoped environment that evaluates them as FEEL
 * or JUEL over the activity's variables.
 */
export function MultiInstanceLoopCharacteristics(this: unknown, activity: Activity, loopCharacteristics: SerializedElement) {
  const behaviour = loopCharacteristics.behaviour ?? {};
  const spec = loopSpecOf(behaviour);
  const collection = spec.collection ? compiled(activity.id, 'input collection', spec.collection) : undefined;
  const completion = spec.completionCondition ? compiled(activity.id, 'completion condition', spec.completionCondition) : undefined;
  const outputElement = spec.outputElement ? compiled(activity.id, 'output element', spec.outputElement) : undefined;
  const environment = activity.environment;
  const scopeVariables = () => visibleVariables(environment.variables);

  // the loop's counters when an iteration completed, for the completion condition (set just before it is evaluated)
  let counters: Record<string, unknown> = {};
  const resolveExpression = (expression: unknown, message: ElementMessage | undefined, fnContext?: unknown) => {
    if (expression === COLLECTION && collection) return collectionOf(collection, message);
    if (expression === COMPLETION && completion) {
      const content = message?.content ?? {};
      const variables = { ...scopeVariables(), ...iterationScope(content), ...counters, ...iterationVariables(spec, content) };
      return evaluated(message, 'completion condition', () => completion.test(variables));
    }
    return environment.resolveExpression(expression, message, fnContext);
  };
  // an error names the activity (bpmn-elements' RunError carries the message it failed on)
  const evaluated = <T>(message: ElementMessage | undefined, what: string, evaluate: () => T): T => {
    try {
      return evaluate();
    } catch (error) {
      throw new elements.RunError(`${what} of ${activity.id}: ${(error as Error).message}`, message, error);
    }
  };
  // Zeebe's EXTRACT_VALUE_ERROR: a collection that cannot be evaluated or is no list says why (incident-reasons.ts)
  const collectionOf = (collection: CompiledExpression, message: ElementMessage | undefined): unknown[] => {
    let value: unknown;
    try {
      value = evaluated(message, 'input collection', () => collection.evaluate(scopeVariables()));
    } catch (error) {
      throw withReason(error as Error, INPUT_COLLECTION_FAILED);
    }
    if (Array.isArray(value)) return value;
    const error = new FeelError(`input collection of ${activity.id}: "${shortText(collection.text)}" is ${value === null ? 'null' : typeof value}, not a list`, collection.feel);
    throw withReason(new elements.RunError(error.message, message, error), INPUT_COLLECTION_FAILED);
  };
  // Object.create gives `any`: these are the environment and the activity with one property replaced
  const scopedEnvironment = Object.create(environment, { resolveExpression: { value: resolveExpression } }) as Environment;
  const scopedActivity = Object.create(activity, { environment: { value: scopedEnvironment } }) as Activity;

  const rewritten: SerializedBehaviour = {
    ...behaviour,
    ...(collection && { collection: COLLECTION, elementVariable: spec.elementVariable ?? 'item' }),
    ...(completion && { completionCondition: COMPLETION }),
  };
  const loop = new elements.MultiInstanceLoopCharacteristics(scopedActivity, { ...loopCharacteristics, behaviour: rewritten });
  if (!spec.outputCollection && !completion) return loop;

  const execute = loop.execute.bind(loop);
  const consumerTag = `_stratum-mi-iteration-${activity.id}`;
  loop.execute = (executeMessage: ElementMessage) => {
    const rootExecutionId = executeMessage.content.executionId;
    const broker = activity.broker;
    if (spec.outputCollection && !executeMessage.fields?.redelivered && collection) {
      // Camunda 8 starts the output collection as one null per element
      // (evaluated as bpmn-elements' loop then reads it: one that fails here says why as it would there)
      environment.assignVariables({ [spec.outputCollection]: collectionOf(collection, executeMessage).map(() => null) });
    }
    broker.cancel(consumerTag);
    // before bpmn-elements' loop hears of a completed iteration (priority 300): counters, then the iteration's output
    broker.subscribeTmp('execution', 'execute.completed', (_routingKey: string, message: ElementMessage) => {
      const content: MessageContent = message.content ?? {};
      const index = content.index;
      if (content.isRootScope || !content.isMultiInstance || typeof index !== 'number') return;
      if (!String(content.executionId).startsWith(`${rootExecutionId}_`)) return;
      counters = loopCounters(content, index, runningIterations(activity, rootExecutionId), Number(environment.settings?.batchSize) || 50);
      if (!spec.outputCollection) return;
      // Camunda 8's outputElement, evaluated in the iteration's scope when it completes, at its index
      const scope = { ...scopeVariables(), ...iterationScope(content), ...iterationVariables(spec, content) };
      const current = environment.variables[spec.outputCollection];
      const gathered: unknown[] = Array.isArray(current) ? [...(current as unknown[])] : [];
      gathered[index] = outputElement ? outputElement.evaluate(scope) : null;
      for (let index = 0; index < gathered.length; index++) if (gathered[index] === undefined) gathered[index] = null;
      environment.assignVariables({ [spec.outputCollection]: gathered });
    }, { noAck: true, consumerTag, priority: 350 });
    return execute(executeMessage);
  };
  return loop;
}

/** The indexes of the iterations that have not completed yet (the one completing now included). */
function runningIterations(activity: Activity, rootExecutionId: string | undefined): number[] {
  const postponed = activity.execution?.getPostponed?.() ?? [];
  return postponed
    .filter((api) => api.content?.isMultiInstance && String(api.executionId).startsWith(`${rootExecutionId}_`))
    .map((api) => Number(api.content.index));
}

/** Variables a sub-process iteration set in its own scope (bpmn-elements returns them as the iteration's output). */
function iterationScope(content: MessageContent): Record<string, unknown> {
  const output = content.output;
  return output && typeof output === 'object' && !Array.isArray(output) ? visibleVariables(output as Record<string, unknown>) : {};
}

/**
 * Camunda's counters in a completion condition, Camunda 7's nrOf… and Camunda 8's
 * numberOf…, as they stand once the iteration in `content` has completed.
 */
function loopCounters(content: MessageContent, index: number, running: number[], batchSize: number): Record<string, unknown> {
  const instances = Number(content.loopCardinality ?? 0);
  let completed: number;
  let active: number;
  if (content.isSequential) {
    completed = index + 1;
    active = 0;
  } else {
    // parallel iterations start in batches (the next once all of one completed): the whole batch of this one has started
    const started = Math.min(instances, (Math.floor(index / batchSize) + 1) * batchSize);
    active = running.filter((other) => other !== index).length;
    completed = started - active;
  }
  return {
    loopCounter: index + 1,
    nrOfInstances: instances, nrOfActiveInstances: active, nrOfCompletedInstances: completed,
    numberOfInstances: instances, numberOfActiveInstances: active, numberOfCompletedInstances: completed,
  };
}

/**
 * bpmn-elements' SubProcess, whose iterations get their element variable and
 * loopCounter as variables of their own scope (bpmn-elements only puts them on
 * the iteration's run message), and whose input mappings (kept from its entry,
 * local-inputs.ts) are variables of its scope too. Set once, when the
 * execution starts: a recovered one has them in its stored environment.
 */
export function SubProcess(activityDef: SerializedElement, context: ElementContext): Activity {
  const activity = elements.SubProcess(activityDef, context);
  withCatchAllErrorStarts(activity, activityDef, context);
  const loopBehaviour = activityDef.behaviour?.loopCharacteristics?.behaviour;
  const spec = loopBehaviour ? loopSpecOf(loopBehaviour) : undefined;
  const Behaviour = activity.Behaviour;
  activity.Behaviour = class StratumSubProcessBehaviour extends Behaviour {
    override _upsertExecution(executeMessage: ElementMessage) {
      const execution = super._upsertExecution(executeMessage);
      const content: MessageContent = executeMessage.content ?? {};
      if (executeMessage.fields?.redelivered) return execution;
      if (spec && content.isMultiInstance) execution.environment.assignVariables(iterationVariables(spec, content));
      const inputs = spec ? {} : localInputsOf(activity.environment, String(content.executionId));
      if (Object.keys(inputs).length) execution.environment.assignVariables(inputs);
      return execution;
    }
  };
  return activity;
}
