// The expressions the runtime evaluates strictly against an element's
// variables, as FEEL: a sequence flow's condition, a conditional event's, a
// message catch's messagesReceivedSince (FEEL only), and a user task's
// assignment expressions (candidate groups, candidate users, assignee).
// Camunda 7 `${…}` conditions and assignments count after translation.
// condition-variables-supplied and order-field-optional check the same set.
// Browser-safe.
import type { ModdleElement } from 'bpmn-moddle';
import { MESSAGES_RECEIVED_SINCE, propertyOf } from '../bpmn/process-model.js';
import { checkFeelSyntax, feelBody, isFeel } from '../feel/feel-expression.js';
import { isJuel, juelToFeel } from '../feel/juel.js';
import { elementLabel } from './element-label.js';
import { isMessageCatch } from './message-catch.js';
import { is } from './rule-api.js';

interface ReadExpression {
  /** Names the expression for a message: `The condition of sequence flow "Approved"`. */
  what: string;
  /** Where it is on the element, for the modeler's properties panel; undefined where none applies. */
  path?: string[];
  /** The FEEL it evaluates (without `=`); undefined when it does not parse (feel-condition-syntax's finding) or is plain text. */
  feel: string | undefined;
}

/** The expressions `node` has that are evaluated strictly. */
export function readExpressionsOf(node: ModdleElement): ReadExpression[] {
  const found: ReadExpression[] = [];
  const condition = (expression: ModdleElement) =>
    found.push({ what: `The condition of ${elementLabel(node)}`, path: ['conditionExpression'], feel: expressionFeel(bodyOf(expression)) });
  if (is(node, 'bpmn:SequenceFlow') && node.conditionExpression) condition(node.conditionExpression);
  for (const definition of node.eventDefinitions ?? []) {
    if (is(definition, 'bpmn:ConditionalEventDefinition') && definition.condition) condition(definition.condition);
  }
  // elsewhere the property is feel-condition-syntax's finding, and the runtime does not read it
  const receivedSince = isMessageCatch(node) ? propertyOf(node, MESSAGES_RECEIVED_SINCE) : undefined;
  if (receivedSince) {
    found.push({ what: `The ${MESSAGES_RECEIVED_SINCE} of ${elementLabel(node)}`, feel: isFeel(receivedSince) ? parsing(feelBody(receivedSince)) : undefined });
  }
  if (is(node, 'bpmn:UserTask')) {
    for (const { label, text } of assignmentExpressions(node)) {
      found.push({ what: `The ${label} of ${elementLabel(node)}${looksLikeANameHint(text)}`, feel: expressionFeel(text) });
    }
  }
  return found;
}

// helpers

function bodyOf(expression: ModdleElement): string {
  return typeof expression?.body === 'string' ? expression.body : '';
}

/** The FEEL of a FEEL (`=…`) or Camunda 7 `${…}` expression; undefined for plain text. */
function expressionFeel(text: string): string | undefined {
  if (isFeel(text)) return parsing(feelBody(text));
  if (!isJuel(text)) return undefined;
  try {
    return parsing(juelToFeel(text));
  } catch {
    return undefined;
  }
}

/** `feel` when it parses (otherwise it is feel-condition-syntax's finding). */
function parsing(feel: string): string | undefined {
  return checkFeelSyntax(feel).ok ? feel : undefined;
}

const ASSIGNMENT_LABELS = { candidateGroups: 'candidate groups', candidateUsers: 'candidate users', assignee: 'assignee' } as const;

/** A user task's assignment attributes that are expressions: Camunda 8's zeebe:assignmentDefinition, Camunda 7's attributes. */
function assignmentExpressions(task: ModdleElement): { label: string; text: string }[] {
  const values: ModdleElement[] = task.extensionElements?.values ?? [];
  const zeebe = values.find((value) => is(value, 'zeebe:AssignmentDefinition'));
  const attributes = task.$attrs ?? {};
  const found: { label: string; text: string }[] = [];
  for (const [attribute, label] of Object.entries(ASSIGNMENT_LABELS)) {
    const camunda = Object.entries(attributes).find(([key]) => key.endsWith(`:${attribute}`) && /camunda/.test(key))?.[1];
    const declared: unknown = zeebe?.get(attribute);
    const text = (typeof declared === 'string' ? declared : undefined) ?? (typeof camunda === 'string' ? camunda : undefined);
    if (text && (isFeel(text.trim()) || isJuel(text.trim()))) found.push({ label, text: text.trim() });
  }
  return found;
}

/** A group or user name written after `=` by mistake (the properties panel's FEEL switch): FEEL reads `a-b` as a minus b. */
function looksLikeANameHint(text: string): string {
  return /^=\s*[A-Za-z]\w*(-\w+)+\s*$/.test(text) ? ` (FEEL reads ${text.slice(1).trim()} as a subtraction; a name is written without "=")` : '';
}
