// Constructs the runtime cannot run faithfully are refused at deploy, naming the
// element, instead of failing (or silently doing something else) at run time.
// Checked against bpmn-engine 25 / bpmn-elements 17 and Stratum's runtime:
//   - complex gateway: bpmn-elements has no implementation;
//   - ad-hoc sub-process: bpmn-elements runs it as an ordinary sub-process;
//   - signal and conditional events: bpmn-elements only reacts to them inside one
//     running engine; Stratum drops waiting instances from memory and has no API
//     to broadcast a signal or re-evaluate a condition, so they would wait forever;
//   - DMN business-rule tasks (zeebe:calledDecision, camunda:decisionRef) whose decision is neither
//     deployed nor in the deployment (config `{ knownDecisionIds }`: the modeler passes the deployed ones and
//     its session's .dmn files; without it any decision is accepted); a decision id computed by an expression
//     is checked at run time; one whose version binding cannot be honoured as written (an unknown binding,
//     a version tag or version missing, a pin on a computed decision id), and one bound by deployment whose
//     decision no .dmn file of the deployment defines (config `{ deploymentDecisionIds }`, the library's deploy);
//   - multi-instance other than over a collection (zeebe:loopCharacteristics
//     inputCollection, camunda:collection) or a fixed number of instances: a
//     computed cardinality would be evaluated by bpmn-engine's own expression
//     syntax, not FEEL (collections and completion conditions are FEEL or JUEL,
//     runtime/multi-instance.ts); an expression that does not compile is refused;
//   - standard loops: their loop condition is not evaluated as FEEL either;
//   - timer start events: the scheduler fires timers of running instances only, so a process's own timer start
//     would deploy and never start an instance, and bpmn-elements triggers an event sub-process by a message or
//     signal only, so one started by a timer is never armed;
//   - non-interrupting error start events of event sub-processes: BPMN allows none (an error interrupts its scope),
//     Camunda 7 and 8 refuse them, and the runtime would run one beside the scope, the job that threw left open;
//   - message start events of event sub-processes: bpmn-elements starts one only when the running process throws
//     the message itself (a message throw or end event inside it); a message from outside (bpmn-engine's signal,
//     sendMessage) never reaches it, and it opens no wait and is not among the postponed elements, so Stratum's
//     correlation (runtime/messages.ts) has no catch to deliver to and buffered the message. Starting it by hand
//     would not be enough: bpmn-elements 17.3 ignores isInterrupting (an interrupting one runs beside the scope's
//     other activities, whose tasks stay open), and a second start while one still runs fails the instance
//     ("activity <…> is already running"), so a non-interrupting one cannot fire twice (docs/validation.md).
// camunda:inputOutput where it is not applied (start and boundary events and
// event sub-processes, as in Camunda 7; multi-instance activities other than
// user tasks and jobs) is a warning naming element and construct.
// Compensation, transactions, cancel, escalation, error, link, terminate, timer (other
// than start) and message events, event-based, parallel and inclusive gateways are supported.
import type { ModdleElement } from 'bpmn-moddle';
import { extensionValues, readsCamundaInputOutput } from '../../bpmn/process-model.js';
import { shortText, tryCompileExpression } from '../../expressions/compile-expression.js';
import { declaredDecisionCall } from '../business-rule-task.js';
import { elementLabel, ElementLabel } from '../element-label.js';
import { is, type Reporter, type RuleFactory } from '../rule-api.js';

interface SupportedElementsConfig {
  /** Decisions deployed or deployed together; without it business rule tasks' decisions are not checked. */
  knownDecisionIds?: string[];
  /** Decisions of the .dmn files deployed together; without it a task bound by deployment is not checked against them. */
  deploymentDecisionIds?: string[];
}

const supportedElements: RuleFactory = (config?: SupportedElementsConfig) => {
  const knownDecisions = Array.isArray(config?.knownDecisionIds) ? new Set(config.knownDecisionIds) : undefined;
  const deployedTogether = Array.isArray(config?.deploymentDecisionIds) ? new Set(config.deploymentDecisionIds) : undefined;

  function check(node: ModdleElement, reporter: Reporter) {
    const refuse = (why: string) => reporter.report(node.id, `${ElementLabel(node)} ${why}`);

    if (is(node, 'bpmn:ComplexGateway')) {
      refuse('cannot run: Stratum has no complex gateways. Use exclusive, inclusive or parallel gateways');
    }
    if (is(node, 'bpmn:AdHocSubProcess')) {
      refuse('would run as an ordinary sub-process: Stratum has no ad-hoc sub-processes. Model the order of its activities explicitly');
    }

    for (const definition of node.eventDefinitions ?? []) {
      if (is(definition, 'bpmn:SignalEventDefinition')) {
        refuse('is a signal event; Stratum has no way to send or receive signals between instances, use a message event instead');
      }
      if (is(definition, 'bpmn:ConditionalEventDefinition')) {
        refuse('is a conditional event; Stratum never re-evaluates its condition, so it would wait for ever. Use a message event or a gateway');
      }
      if (is(definition, 'bpmn:TimerEventDefinition') && is(node, 'bpmn:StartEvent')) refuse(timerStartWhy(node));
      if (is(definition, 'bpmn:MessageEventDefinition') && is(node, 'bpmn:StartEvent') && node.$parent?.triggeredByEvent === true) {
        refuse(messageSubProcessWhy(node));
      }
      if (is(definition, 'bpmn:ErrorEventDefinition') && is(node, 'bpmn:StartEvent') && node.$parent?.triggeredByEvent === true && node.isInterrupting === false) {
        refuse('is a non-interrupting error start event of an event sub-process, which BPMN does not allow: an error always interrupts its scope ' +
          '(Camunda 7 and 8 refuse it too), and run beside the scope it would leave the job that threw the error open. Remove isInterrupting="false"');
      }
    }

    if (is(node, 'bpmn:BusinessRuleTask')) {
      const decision = extensionValues(node, 'zeebe:CalledDecision')[0]?.decisionId ?? node.decisionRef;
      const computed = typeof decision === 'string' && (decision.startsWith('=') || /^[$#]\{/.test(decision));
      if (typeof decision === 'string' && knownDecisions && !computed && !knownDecisions.has(decision)) {
        refuse(`calls the DMN decision "${decision}", which is neither deployed nor in this deployment; deploy its .dmn file with it`);
      }
      const declared = declaredDecisionCall(node);
      if (declared?.binding?.type === 'deployment' && deployedTogether && !deployedTogether.has(declared.decisionRef)) {
        refuse(`calls the DMN decision "${declared.decisionRef}" bound by deployment, which evaluates the version deployed together with this process, but no .dmn file of this deployment defines it; ` +
          'deploy its .dmn file together with this process (unchanged, it gets a version of this deployment), or bind the task to "latest"');
      }
      const unsupported = declared?.unsupportedBinding;
      if (unsupported) {
        refuse(`binds its decision "${String(decision)}" by ${unsupported}, which pins no version Stratum can find (bindingType is latest, deployment or versionTag with a versionTag; ` +
          'decisionRefBinding is latest, deployment, version with a number in decisionRefVersion, or versionTag with decisionRefVersionTag; a decision id computed by an expression cannot be pinned)');
      }
    }

    if (extensionValues(node, 'camunda:InputOutput').length && !readsCamundaInputOutput(node)) {
      reporter.report(node.id, `${ElementLabel(node)} has camunda:inputOutput, which is not applied: ${unmappedWhy(node)}`, { severity: 'warn' });
    }

    const loop = node.loopCharacteristics;
    if (loop && is(loop, 'bpmn:MultiInstanceLoopCharacteristics')) {
      const problem = multiInstanceProblem(loop);
      if (problem) refuse(`is a multi-instance activity ${problem}; give it a collection (inputCollection, camunda:collection) or a fixed number of instances (loop cardinality such as 3)`);
    } else if (is(loop, 'bpmn:StandardLoopCharacteristics')) {
      refuse(`is a loop; its loop condition would not be evaluated as FEEL. Model the loop with an exclusive gateway and a flow back to ${elementLabel(node)}`);
    }
  }

  return { check, meta: { documentation: { url: 'docs/validation.md#supported-elements-error' } } };
};

export default supportedElements;

// helpers

/** Why a camunda:inputOutput is not read (process-model.ts, readsCamundaInputOutput). */
function unmappedWhy(node: ModdleElement): string {
  if (is(node, 'bpmn:StartEvent') || is(node, 'bpmn:BoundaryEvent')) {
    return 'Camunda 7 maps no variables on start and boundary events either; map them on the activity after it';
  }
  if (node.triggeredByEvent === true) return 'Camunda 7 maps no variables on an event sub-process; map them on its activities';
  if (node.loopCharacteristics) {
    return 'Stratum maps them per instance only on multi-instance user tasks and jobs; map them on the activities inside, or on a multi-instance user task or job';
  }
  return 'Camunda 7 maps variables only on tasks, call activities, sub-processes and intermediate and end events';
}

/** Why a timer start event cannot run, and what to model instead. */
function timerStartWhy(start: ModdleElement): string {
  if (start.$parent?.triggeredByEvent === true) {
    return 'is a timer start event of an event sub-process, which Stratum never arms, so it would never start. ' +
      'Put a timer boundary event (non-interrupting for a reminder) on the task or sub-process it should watch';
  }
  const key = typeof start.$parent?.id === 'string' ? start.$parent.id : '{key}';
  return 'is a timer start event, but Stratum does not start processes on a timer: deployed, it would never start an instance. ' +
    `Start it from a scheduler (cron, a Kubernetes CronJob) with POST /api/processes/${key}/instances, or give it a plain or message start event`;
}

/** Why a message start event of an event sub-process cannot run, and what to model instead. */
function messageSubProcessWhy(start: ModdleElement): string {
  const keepsOpen = start.isInterrupting === false;
  return 'is a message start event of an event sub-process, which Stratum never delivers a message to: it would never start, ' +
    'and its message would be kept as if nothing waited for it. ' +
    (keepsOpen
      ? 'Put a non-interrupting message boundary event on the task or sub-process it should watch, so the task stays open'
      : 'Put an interrupting message boundary event on the task or sub-process it should cancel, and model the sub-process\'s path after it');
}

function multiInstanceProblem(loop: ModdleElement): string | undefined {
  const zeebe = extensionValues(loop, 'zeebe:LoopCharacteristics')[0];
  const collection: unknown = zeebe ? zeebe.inputCollection : loop.collection ?? loop.$attrs?.['camunda:collection'];
  const completion = typeof loop.completionCondition?.body === 'string' ? loop.completionCondition.body.trim() : '';
  const expressions: [string, unknown][] = [
    ['input collection', collection], ['output element', zeebe?.outputElement], ['completion condition', completion || undefined],
  ];
  for (const [what, text] of expressions) {
    if (typeof text !== 'string' || !text.trim()) continue;
    const compiled = tryCompileExpression(text);
    if (!compiled.ok) return `whose ${what} "${shortText(text)}" is neither FEEL nor translatable JUEL (${compiled.error.message})`;
  }
  if (zeebe && zeebe.outputElement && !zeebe.outputCollection) return 'with an outputElement but no outputCollection';
  if (zeebe && zeebe.outputCollection && !zeebe.outputElement) return 'with an outputCollection but no outputElement';
  const cardinality = typeof loop.loopCardinality?.body === 'string' ? loop.loopCardinality.body.trim() : '';
  if (cardinality && !/^\d+$/.test(cardinality)) return `with the computed loop cardinality "${cardinality}"`;
  if (typeof collection === 'string' && collection.trim()) return undefined;
  if (zeebe) return 'without an inputCollection';
  if (!cardinality) return 'without a loop cardinality or collection';
  return undefined;
}
