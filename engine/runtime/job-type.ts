// A job's type, evaluated when its job is created: Camunda 8 allows one
// computed from variables (`<zeebe:taskDefinition type="=&quot;work-&quot; + region"/>`).
// One that cannot be evaluated, or that gives anything but a non-empty string
// (null, "", a number: Zeebe requires a string and converts nothing), fails the
// step with reason `job-type-failed` (Zeebe's EXTRACT_VALUE_ERROR) rather than
// create a job no worker can ever activate. Tagged here where it is evaluated,
// for the runtime (instance-step.ts) and the impact replay (fast-replay.ts) alike.
import { shortText } from '../expressions/compile-expression.js';
import { evaluateFeel, FeelError, feelBody, isFeel } from '../feel/feel-expression.js';
import { reasoned, withReason } from './incident-reasons.js';

/** The job type `expression` gives over `variables` (a plain type as it is). */
export function jobTypeOf(expression: string, variables: Record<string, unknown>): string {
  if (!isFeel(expression)) return expression;
  let value: unknown;
  try {
    value = evaluateFeel(feelBody(expression), variables);
  } catch (error) {
    throw reasoned(error, { kind: 'job-type-failed' });
  }
  if (typeof value === 'string' && value) return value;
  const failure = new FeelError(`job type ${shortText(expression)} gave ${JSON.stringify(value ?? null)}, not a job type`, feelBody(expression));
  throw withReason(failure, { kind: 'job-type-failed' });
}
