// What a completer may send to an element: the variables its output mappings' sources read (docs/modelling.md,
// "Decisions"). One rule for the runtime's completion check and the modeler's simulated approvers. Browser-safe.
import { feelBody, isFeel, variablesReadBy } from '../feel/feel-expression.js';

/** The variables an element's output sources read: all that its completer may send. */
export function declaredCompletionVariables(outputs: readonly { source?: string | null }[]): string[] {
  const names = new Set<string>();
  for (const { source } of outputs) if (isFeel(source)) for (const name of variablesReadBy(feelBody(source))) names.add(name);
  return [...names];
}
