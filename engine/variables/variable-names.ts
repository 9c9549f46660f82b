// Names a variable handed into a process may not have, whatever the route (a
// start, a task or job completion, a BPMN error, a message, an incident's
// retry): FEEL's literals and keywords. feelin reads a variable named `false`
// in place of the literal, so a worker completing a planning job with
// `{"false": true}` made a department's "not acknowledged" (`procurementAcknowledged
// = false`) read as acknowledged, and one named `and` breaks every condition that
// uses the word. Browser-safe.
import { StratumError } from '../errors.js';
import { FEEL_RESERVED_WORDS } from '../feel/feel-words.js';
import { BODY_VARIABLES, refuseUnsafeValue } from './json-value-rules.js';

/**
 * The check every entry point runs on the variables a caller hands into a process: no forbidden keys or nesting
 * beyond the bound (json-value-rules.ts), and no variable named like a FEEL word.
 */
export function refuseUnsafeVariables(variables: Record<string, unknown> | null | undefined): void {
  refuseUnsafeValue(variables, BODY_VARIABLES);
  refuseFeelWordNames(variables);
}

/** Throws StratumError('invalid') naming each variable of `variables` (a body's `/variables`) that is a FEEL word. */
function refuseFeelWordNames(variables: Record<string, unknown> | null | undefined): void {
  if (!variables || typeof variables !== 'object') return;
  const words = Object.keys(variables).filter((name) => FEEL_RESERVED_WORDS.includes(name));
  if (words.length === 0) return;
  const why = 'is a FEEL word: a condition would read the variable in its place (or fail to parse)';
  throw new StratumError('invalid', `variables may not be named ${words.join(', ')}: ${words.length > 1 ? 'each is a FEEL word' : 'it is a FEEL word'}, and a condition reading ${words[0]} would read the variable instead`, {
    errors: words.map((name) => ({ field: `/variables/${name}`, message: why })),
  });
}
