// A decision that cannot give a result (no rule under UNIQUE with a required
// answer, two rules under UNIQUE, unequal outputs under ANY, an input that
// cannot be evaluated) is an incident; its message names the decision and the
// input values it saw, so an operator knows which data to fix.
// Browser-safe.
import type { FeelInput } from '../feel/feel-expression.js';

export class DmnEvaluationError extends Error {
  constructor(
    message: string,
    readonly decisionId: string,
    /** The decision's inputs and their values (`season` is "Winter"), as the runtime's incidents show inputs. */
    readonly inputs: FeelInput[] = [],
  ) {
    super(message);
    this.name = 'DmnEvaluationError';
  }
}

/** The decision a task calls is not deployed (Camunda 8: CALLED_DECISION_ERROR, not an evaluation error). */
export class DecisionNotDeployed extends DmnEvaluationError {
  constructor(decisionId: string, message = `decision ${decisionId} is not deployed`) {
    super(message, decisionId);
    this.name = 'DecisionNotDeployed';
  }
}

/** A business rule task's `=FEEL` decision id could not be evaluated: no decision was asked (Camunda 8: EXTRACT_VALUE_ERROR). */
export class DecisionIdFailed extends Error {
  constructor(readonly expression: string, cause: unknown) {
    super(`decision id ${expression}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'DecisionIdFailed';
  }
}

/** `decision "Dish" (dish)`, or `decision dish` when it has no name. */
export function decisionLabel(decision: { id: string; name?: string }): string {
  return decision.name ? `decision "${decision.name}" (${decision.id})` : `decision ${decision.id}`;
}

/** A value as it appears in a message: JSON, cut short. */
export function shownValue(value: unknown, limit = 60): string {
  const text = JSON.stringify(value ?? null) ?? String(value);
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}

/** `season = "Winter", guestCount = 8` */
export function describeInputValues(inputs: FeelInput[]): string {
  return inputs.map((input) => `${input.name} ${input.problem.replace(/^is /, '= ')}`).join(', ');
}
