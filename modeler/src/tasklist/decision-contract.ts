// What every decision form provides and the approval rule both forms check: apart from DecisionForm.ts, so
// the form-js form (loaded on demand, in a bundle of its own) does not import the module that loads it.

type DecisionResult = { variables: Record<string, unknown> } | { invalid: string };

export interface DecisionForm {
  element: HTMLElement;
  /** The variables to send, or why they cannot be sent yet (shown beside the form). */
  read(): DecisionResult;
  setDisabled(disabled: boolean): void;
  destroy(): void;
}

/** The approval convention (docs/modelling.md): a rejection, `approved = false`, says why in `comment`. */
export function rejectionWithoutComment(variables: Record<string, unknown>, declared: string[]): boolean {
  if (!declared.includes('approved') || !declared.includes('comment')) return false;
  return variables.approved === false && !(typeof variables.comment === 'string' && variables.comment.trim());
}
