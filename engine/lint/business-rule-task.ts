// A business rule task's decision call as the lint reads it from a moddle
// element, without refusing anything: the rules report what Camunda 7 would
// refuse (decision-result-mapping) and what the call writes. decision-call.ts
// reads bpmn-elements' behaviour and moddle elements alike, with a loose
// parameter type of its own; the cast to it lives here once. Browser-safe.
import type { ModdleElement } from 'bpmn-moddle';
import { declaredDecisionCallOf, type DeclaredDecisionCall } from '../dmn/decision-call.js';
import { is } from './rule-api.js';

/** The decision a business rule task calls, as declared; undefined for any other element and for a task without decision. */
export function declaredDecisionCall(element: ModdleElement): DeclaredDecisionCall | undefined {
  if (!is(element, 'bpmn:BusinessRuleTask')) return undefined;
  return declaredDecisionCallOf(element as unknown as Parameters<typeof declaredDecisionCallOf>[0]);
}
