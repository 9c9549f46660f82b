// What every decision form provides and the approval rule both forms check: apart from DecisionForm.ts, so
// the form-js form (loaded on demand, in a bundle of its own) does not import the module that loads it.

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

/**
 * The decisions that say why in `comment` (docs/modelling.md), where the task declares one: a rejection
 * (`approved = false`), and a special change not acknowledged yet (`acknowledged = false`), so that sales learns what
 * stands in the way. The sentence asking for the reason, or null.
 */
export function missingReason(variables: Record<string, unknown>, declared: string[]): string | null {
  if (!declared.includes('comment') || (typeof variables.comment === 'string' && variables.comment.trim())) return null;
  if (declared.includes('approved') && variables.approved === false) return 'Say why you reject the order in the comment.';
  if (declared.includes('acknowledged') && variables.acknowledged === false) return 'Say in the comment why you cannot acknowledge the change yet.';
  return null;
}
