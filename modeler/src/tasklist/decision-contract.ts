// What every decision form provides and the approval rule both forms check: apart from DecisionForm.ts, so
// the form-js form (loaded on demand, in a bundle of its own) does not import the module that loads it.
import { decisionWithoutReason, type ReasonedDecision } from '../../../engine/bpmn/decision-reason.js';

type DecisionResult = { variables: Record<string, unknown> } | { invalid: string };

export interface DecisionForm {
  element: HTMLElement;
  /** The variables to send, or why they cannot be sent yet (shown beside the form). */
  read(): DecisionResult;
  /** What is filled in now, checked or not (kept when the server stops accepting the token, to fill the form again). */
  draft(): Record<string, unknown>;
  setDisabled(disabled: boolean): void;
  destroy(): void;
}

/** What the page asks of a decision sent without its reason. */
const ASK_REASON: Record<ReasonedDecision, string> = {
  approved: 'Say why you reject the order in the comment.',
  acknowledged: 'Say in the comment why you cannot acknowledge the change yet.',
};

/**
 * The decisions that say why in `comment` (docs/modelling.md), where the task declares one: a rejection
 * (`approved = false`), and a special change not acknowledged yet (`acknowledged = false`), so that sales learns what
 * stands in the way. The engine's rule (decisionWithoutReason), which the server refuses a completion by too, so the
 * page asks what the server would refuse. The sentence asking for the reason, or null.
 */
export function missingReason(variables: Record<string, unknown>, declared: string[]): string | null {
  const decision = decisionWithoutReason(variables, declared);
  return decision === null ? null : ASK_REASON[decision];
}
