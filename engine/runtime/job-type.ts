// A job's type, evaluated when its job is created: Camunda 8 allows one
// computed from variables (`<zeebe:taskDefinition type="=&quot;work-&quot; + region"/>`).
// One that cannot be evaluated fails the step with reason `job-type-failed`
// (Zeebe's EXTRACT_VALUE_ERROR), tagged here where it is evaluated, for the
// runtime (instance-step.ts) and the impact replay (fast-replay.ts) alike.
import { evaluateFeel, feelBody, feelText, isFeel } from '../feel/feel-expression.js';
import { reasoned } from './incident-reasons.js';

/** The job type `expression` gives over `variables` (a plain type as it is), or null when it gives none. */
export function jobTypeOf(expression: string, variables: Record<string, unknown>): string | null {
  if (!isFeel(expression)) return expression;
  let value: unknown;
  try {
    value = evaluateFeel(feelBody(expression), variables);
  } catch (error) {
    throw reasoned(error, { kind: 'job-type-failed' });
  }
  return value === null || value === undefined ? null : feelText(value);
}
