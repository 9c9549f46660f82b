// Every expression Stratum evaluates is FEEL and is checked once, here, at deploy:
// sequence-flow conditions, zeebe input/output mapping sources, message
// correlation keys, job types, `=` candidate groups / called process ids, a message catch's
// `messagesReceivedSince`, Camunda 7 input/output parameters and call activity variables (camunda:in/out).
// (Timers take no expressions: timer-definition.) Camunda 7 `${…}` conditions must translate to FEEL. A condition
// that is neither FEEL nor `${…}` is refused: bpmn-engine would treat it as a
// script or a truthy string.
import type { ModdleElement } from 'bpmn-moddle';
import { isFeel } from '../../feel/feel-expression.js';
import { shortText, tryCompileExpression } from '../../expressions/compile-expression.js';
import { extensionValues, MESSAGES_RECEIVED_SINCE, propertyOf } from '../../bpmn/process-model.js';
import { camunda7CallVariables } from '../../bpmn/camunda7-call-variables.js';
import { camunda7Mappings, type InputOutput } from '../../bpmn/camunda7-jobs.js';
import { elementLabel } from '../element-label.js';
import { isMessageCatch } from '../message-catch.js';
import { is, type Reporter, type RuleFactory } from '../rule-api.js';
import { isScriptLanguage } from '../expression-language.js';

const feelConditionSyntax: RuleFactory = () => {
  function check(node: ModdleElement, reporter: Reporter) {
    if (is(node, 'bpmn:SequenceFlow') && node.conditionExpression) {
      checkCondition(node, node.conditionExpression, reporter);
    }

    for (const mapping of extensionValues(node, 'zeebe:IoMapping')) {
      for (const input of mapping.inputParameters ?? []) {
        checkFeel(node, input.source, `input mapping for "${input.target}"`, reporter);
      }
      for (const output of mapping.outputParameters ?? []) {
        checkFeel(node, output.source, `output mapping for "${output.target}"`, reporter);
      }
    }

    // Camunda 7 input/output parameters, on the element or its connector: a `${…}` must translate to FEEL.
    const camundaIo = [
      ...extensionValues(node, 'camunda:InputOutput'),
      ...extensionValues(node, 'camunda:Connector').map((connector) => connector.inputOutput),
    ];
    for (const inputOutput of camundaIo) {
      for (const problem of camunda7Mappings(inputOutput as InputOutput | undefined).problems) {
        reporter.report(node.id, `The ${problem.kind} parameter "${problem.parameter}" of ${elementLabel(node)} cannot be translated to FEEL: ${problem.detail}; rewrite it in FEEL, starting with "="`);
      }
    }

    // Camunda 7 call activity variables: a camunda:in/out sourceExpression must translate to FEEL.
    if (is(node, 'bpmn:CallActivity')) {
      for (const problem of camunda7CallVariables(node).problems) {
        reporter.report(node.id, `camunda:${problem.kind} #${problem.index + 1} of ${elementLabel(node)} cannot be passed: ${problem.detail}; give it a source variable or a \${…} sourceExpression, and a target`);
      }
    }

    if (is(node, 'bpmn:Message')) {
      for (const subscription of extensionValues(node, 'zeebe:Subscription')) {
        checkFeel(node, subscription.correlationKey, 'correlation key', reporter);
      }
    }


    for (const assignment of extensionValues(node, 'zeebe:AssignmentDefinition')) {
      checkFeel(node, assignment.candidateGroups, 'candidate groups', reporter);
    }
    for (const task of extensionValues(node, 'zeebe:TaskDefinition')) {
      checkFeel(node, task.type, 'job type', reporter);
    }
    for (const called of extensionValues(node, 'zeebe:CalledElement')) {
      checkFeel(node, called.processId, 'called process id', reporter);
    }
    const receivedSince = propertyOf(node, MESSAGES_RECEIVED_SINCE);
    if (receivedSince !== undefined) checkReceivedSince(node, receivedSince, reporter);
  }

  return { check, meta: { documentation: { url: 'docs/validation.md#feel-condition-syntax-error' } } };
};

export default feelConditionSyntax;

// helpers

function checkCondition(flow: ModdleElement, expression: ModdleElement, reporter: Reporter) {
  // Scripts (a script language or a script resource) are no-javascript's finding.
  if (isScriptLanguage(expression.language) || expression.resource || expression.$attrs?.['camunda:resource']) return;
  const text: string = typeof expression.body === 'string' ? expression.body : '';
  const shown = text.trim();
  const where = `The condition of ${elementLabel(flow)}`;
  const quoted = `The condition "${shown}" of ${elementLabel(flow)}`;

  if (!shown) {
    reporter.report(flow.id, `${where} is empty; write a FEEL condition starting with "=", e.g. "=approved"`, ['conditionExpression']);
    return;
  }
  // The same compilation the runtime and the modeler's simulation use.
  const compiled = tryCompileExpression(text);
  if (compiled.ok) {
    const single = withoutDoubledEquals(text);
    if (single !== undefined) reporter.report(flow.id, `${quoted} ${doubledEqualsAdvice(single)}`, ['conditionExpression']);
    return;
  }
  const { error } = compiled;
  const short = `The condition "${shortText(text)}" of ${elementLabel(flow)}`;
  switch (error.problem) {
    case 'syntax':
      if (error.feel === undefined) {
        reporter.report(flow.id, `${where} is not valid FEEL: ${error.detail} in "${shown}"`, ['conditionExpression']);
      } else {
        reporter.report(flow.id, `${short} translates to invalid FEEL "${error.feel}": ${error.detail}`, ['conditionExpression']);
      }
      return;
    case 'untranslatable':
      reporter.report(
        flow.id,
        `${short} cannot be translated to FEEL: ${error.detail}; rewrite it in FEEL, starting with "="`,
        ['conditionExpression'],
      );
      return;
    default:
      reporter.report(
        flow.id,
        `${quoted} is not a FEEL expression; FEEL conditions start with "=", e.g. "=${shown}"`,
        ['conditionExpression'],
      );
  }
}

/** `messagesReceivedSince` means something only on a message catch, and only as FEEL giving a date and time. */
function checkReceivedSince(node: ModdleElement, text: string, reporter: Reporter) {
  const shown = text.trim();
  if (!isMessageCatch(node)) {
    reporter.report(node.id, `${elementLabel(node)} has the property ${MESSAGES_RECEIVED_SINCE}, which only a message catch (intermediate or boundary event, receive task) reads; remove it or move it to the catch`);
  } else if (!isFeel(text)) {
    reporter.report(node.id, `The ${MESSAGES_RECEIVED_SINCE} "${shown}" of ${elementLabel(node)} is not a FEEL expression; write one starting with "=" that gives a date and time, e.g. "=changeRequestedAt"`);
  } else {
    checkFeel(node, text, MESSAGES_RECEIVED_SINCE, reporter);
  }
}

function checkFeel(node: ModdleElement, text: unknown, what: string, reporter: Reporter) {
  if (typeof text !== 'string' || !isFeel(text)) return;
  const compiled = tryCompileExpression(text);
  if (!compiled.ok) {
    reporter.report(node.id, `The ${what} of ${elementLabel(node)} is not valid FEEL: ${compiled.error.detail} in "${text.trim()}"`);
    return;
  }
  const single = withoutDoubledEquals(text);
  if (single !== undefined) reporter.report(node.id, `The ${what} of ${elementLabel(node)} ${doubledEqualsAdvice(single)}`);
}

/**
 * `==amount > 1` parses: after the marker, `=amount > 1` is a unary test with nothing on its left, so it gives a
 * function, which a condition refuses at run time (an incident) and a mapping would store. The text with one
 * `=`, when the FEEL starts with two.
 */
function withoutDoubledEquals(text: string): string | undefined {
  const body = text.trim().slice(1).trimStart();
  return body.startsWith('=') ? `=${body.slice(1).trimStart()}` : undefined;
}

function doubledEqualsAdvice(single: string): string {
  return `starts with "==": FEEL reads what follows the first "=" as a test with nothing on its left, which is never true or false; write one "=", e.g. "${single}"`;
}

