// The approval convention (docs/modelling.md, "Decisions"): a rejection says why. One rule for the runtime, which
// refuses a completion by it on every route (completion-variables.ts), and the task list, which asks for the reason
// before it sends (modeler/src/tasklist/decision-contract.ts). Browser-safe, and light: the task list's page loads
// it up front, so it reads no FEEL.
import { isVisibleText } from '../variables/visible-text.js';

/** The decisions that say why in `comment` when they are `false`: a rejection, a special change not acknowledged yet. */
export type ReasonedDecision = 'approved' | 'acknowledged';

/**
 * Of a completion sending `variables` to a task whose completion variables are `declared`
 * (declaredCompletionVariables), the decision sent without its reason, or null: a task that declares `comment`
 * beside `approved` (`acknowledged`) and is sent `approved: false` (`acknowledged: false`) needs a `comment` with a
 * visible character (visible-text.ts), so that the order's history says why a customer's order was rejected and
 * sales learns what stands in the way of a special change. A task that declares no `comment` (a designer's own
 * diagram) has nowhere to say why, and is asked nothing.
 */
export function decisionWithoutReason(variables: Record<string, unknown>, declared: readonly string[]): ReasonedDecision | null {
  if (!declared.includes('comment') || isVisibleText(variables.comment)) return null;
  if (declared.includes('approved') && variables.approved === false) return 'approved';
  if (declared.includes('acknowledged') && variables.acknowledged === false) return 'acknowledged';
  return null;
}
