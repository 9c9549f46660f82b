// The options every bpmn-engine instance of Stratum is created with — the same
// for `execute` and for every `recover`, because bpmn-engine silently takes
// wrong paths when a recovered engine lacks the handlers it started with.
import * as elements from 'bpmn-elements';
import type { ElementType, SerializedElement } from 'bpmn-elements';
import { Engine } from 'bpmn-engine';
import { describeInputs, FeelError } from '../feel/feel-expression.js';
import { withReason } from './incident-reasons.js';
import { compileExpression, shortText, type CompiledExpression } from '../expressions/compile-expression.js';
import { AttachedEscalationEventDefinition } from './attached-boundary-catch.js';
import { ErrorCodeCatchEventDefinition } from './error-code-catch.js';
import { decisionTaskOr } from './decision-task.js';
import { HostTimerEventDefinition } from './host-timer-event-definition.js';
import { MultiInstanceLoopCharacteristics, SubProcess } from './multi-instance.js';
import { reportingNoFlowTaken } from './no-flow-taken.js';
import { ParallelGateway } from './parallel-join.js';
import { visibleVariables } from './visible-variables.js';
import type { DecisionSource } from '../dmn/decision-call.js';

/**
 * Wait states Stratum drives from outside: service, send and business-rule
 * tasks become external jobs (they wait for a worker instead of calling code).
 */
const ELEMENT_TYPES = {
  ...elements,
  ServiceTask: elements.SignalTask,
  SendTask: elements.SignalTask,
  // A business rule task that calls a DMN decision evaluates it; otherwise it is a job.
  BusinessRuleTask: decisionTaskOr(elements.SignalTask, (variables) => visibleVariables(variables)),
  // Camunda 8 runs message throw and end events with a job type as jobs.
  IntermediateThrowEvent: jobOr(elements.IntermediateThrowEvent),
  EndEvent: jobOr(elements.EndEvent),
  // Camunda's cron timer cycles besides ISO 8601; fired by the host's scheduler only, also once overdue.
  TimerEventDefinition: HostTimerEventDefinition,
  // An error or escalation boundary event hears only what is thrown inside its activity, not on another path of its
  // scope; an error catch takes a throw of another bpmn:Error with its code (error-code-catch.ts).
  ErrorEventDefinition: ErrorCodeCatchEventDefinition,
  EscalationEventDefinition: AttachedEscalationEventDefinition,
  // Multi-instance over a collection (FEEL or JUEL), its element and loopCounter in each iteration's scope.
  MultiInstanceLoopCharacteristics,
  SubProcess,
  // A parallel join fires on a token from every incoming flow; discards are no tokens (as in Camunda).
  ParallelGateway,
};

/**
 * The element types whose outgoing flows may carry conditions (gateways and activities): when none is true and
 * none is the default, the incident says no-flow-taken (no-flow-taken.ts).
 */
export const STRATUM_ELEMENT_TYPES = reportingNoFlowTaken(ELEMENT_TYPES, [
  'ExclusiveGateway', 'InclusiveGateway',
  'Task', 'UserTask', 'ManualTask', 'ServiceTask', 'SendTask', 'ReceiveTask', 'ScriptTask', 'BusinessRuleTask',
  'CallActivity', 'SubProcess', 'Transaction',
]);

function jobOr(eventType: ElementType): ElementType {
  return function EventOrJob(activityDef, context) {
    const values = activityDef.behaviour?.extensionElements?.values ?? [];
    const isJob = values.some((value) => value.$type === 'zeebe:TaskDefinition');
    return isJob ? elements.SignalTask(activityDef, context) : eventType(activityDef, context);
  };
}

/** Time spent evaluating conditions, for the benchmark's "FEEL share of a step"; passed in by whoever counts. */
export interface FeelTiming {
  evaluations: number;
  totalMs: number;
}

/**
 * bpmn-elements asks the script handler first for every sequence-flow
 * condition; answering here keeps JavaScript out and makes evaluation strict.
 * Anything that is not FEEL or translatable JUEL gets no script, so the
 * engine fails the flow instead of running code.
 */
function conditionScripts(timing: FeelTiming | undefined) {
  return {
    register() {},
    getScript(_language: string | undefined, owner: SerializedElement | undefined) {
      const body = owner?.behaviour?.conditionExpression?.body;
      if (!owner || typeof body !== 'string') return undefined;
      let condition: CompiledExpression;
      try {
        // FEEL or Camunda 7 ${…}, compiled (and cached) as the lint rules and the simulation compile it.
        condition = compileExpression(body);
      } catch (error) {
        const failure = new FeelError(`condition of ${owner.id}: "${shortText(body)}" ${(error as Error).message}`, body);
        return failingScript(withReason(failure, { kind: 'condition-failed', flowId: owner.id }));
      }
      return {
        execute(scope: { environment: { variables: Record<string, unknown> } }, callback: (error: Error | null, result?: boolean) => void) {
          const began = performance.now();
          const variables = visibleVariables(scope.environment.variables);
          try {
            const result = condition.test(variables);
            if (timing) {
              timing.evaluations++;
              timing.totalMs += performance.now() - began;
            }
            callback(null, result);
          } catch (error) {
            const message = `condition of sequence flow ${owner.id}: ${(error as Error).message}`;
            const failure = new FeelError(message, condition.feel, describeInputs(condition.feel, variables));
            callback(withReason(failure, { kind: 'condition-failed', flowId: owner.id }));
          }
        },
      };
    },
  };
}

function failingScript(error: Error) {
  return { execute: (_scope: unknown, callback: (error: Error) => void) => callback(error) };
}

/**
 * Timers are never armed in-process: an instance is evicted at every wait
 * state, so the host records due timers and its scheduler fires them (which
 * also makes durations of 24.8 days and more work).
 */
function parkedTimers() {
  return new elements.Timers({ setTimeout: () => null, clearTimeout: () => undefined });
}

const quietLogger = () => ({ debug() {}, error() {}, warn() {} });

/** What the element behaviours read from their host (environment.settings and .services). */
export interface EngineHost {
  /** How cron timer cycles number weekdays: Camunda 7 files are Quartz, Camunda 8 files Spring. */
  cronDialect?: 'quartz' | 'spring';
  /** The deployed decisions business rule tasks call. */
  decisions?: DecisionSource;
  /** Counts condition evaluations and their time (the benchmark's counters). */
  feelTiming?: FeelTiming;
}

export function createEngine(name: string, sourceContext: unknown, extensions?: Record<string, unknown>, host: EngineHost = {}): Engine {
  return new Engine({
    name,
    sourceContext,
    ...(host.cronDialect && { settings: { cronDialect: host.cronDialect } }),
    ...(host.decisions && { services: { decisions: host.decisions } }),
    scripts: conditionScripts(host.feelTiming),
    timers: parkedTimers(),
    elements: STRATUM_ELEMENT_TYPES,
    disableDummyScript: true,
    Logger: quietLogger,
    ...(extensions && { extensions }),
  });
}
