// Camunda 7 typed variables a worker sends: a Json value is held to the
// rules of the body around it, and a refusal names the variable.
import { describe, expect, it } from 'vitest';
import { fromTypedVariables } from '../../server/camunda7/typed-variables.js';
import type { HttpProblem } from '../../server/problem.js';

const refusal = (typed: Parameters<typeof fromTypedVariables>[0]) => {
  try {
    fromTypedVariables(typed);
  } catch (error) {
    return error as HttpProblem;
  }
  throw new Error(`accepted ${JSON.stringify(typed)}`);
};

describe('fromTypedVariables', () => {
  it('reads a Json value', () => {
    expect(fromTypedVariables({ plan: { value: '{"lines":[{"sku":"A","qty":2}]}', type: 'Json' } })).toEqual({ plan: { lines: [{ sku: 'A', qty: 2 }] } });
  });

  it('refuses a Json value that names a key twice in one object, as a JSON body is refused', () => {
    const problem = refusal({ plan: { value: '{"lines":[{"approved":false,"approved":true}]}', type: 'Json' } });
    expect(problem.status).toBe(422);
    expect(problem.message).toBe('variables/plan: the Json value names /lines/0/approved twice in one object.');
  });

  it('says "an Integer" and "a Long" when a whole number is missing', () => {
    expect(refusal({ n: { value: 1.5, type: 'Integer' } }).message).toBe('variables/n: an Integer needs a whole number.');
    expect(refusal({ n: { value: '7', type: 'Long' } }).message).toBe('variables/n: a Long needs a whole number.');
  });
});
