// Parsing request JSON before anything else sees it.
import { describe, expect, it } from 'vitest';
import { MAX_DEPTH } from '../../../engine/variables/json-value-rules.js';
import { parseJson } from '../../../server/http/json-body.js';
import { HttpProblem } from '../../../server/problem.js';

const refusal = (text: string) => {
  try {
    parseJson(text);
  } catch (error) {
    return error as HttpProblem;
  }
  throw new Error(`accepted ${text}`);
};

describe('parseJson', () => {
  it('parses ordinary JSON', () => {
    expect(parseJson('{"a":[1,{"b":"c"}],"proto":"fine","constructorName":"fine"}')).toEqual({ a: [1, { b: 'c' }], proto: 'fine', constructorName: 'fine' });
  });

  it('refuses __proto__, constructor and prototype keys anywhere, naming their JSON pointer', () => {
    const problem = refusal('{"a":{"list":[{"__proto__":{"x":1}}]},"constructor":{},"b/c":{"prototype":1}}');
    expect(problem.status).toBe(400);
    expect(problem.extensions.errors?.map((error) => error.field).sort()).toEqual(['/a/list/0/__proto__', '/b~1c/prototype', '/constructor']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it(`refuses nesting deeper than ${MAX_DEPTH} levels and accepts ${MAX_DEPTH}`, () => {
    expect(() => parseJson('['.repeat(MAX_DEPTH) + ']'.repeat(MAX_DEPTH))).not.toThrow();
    expect(refusal('['.repeat(MAX_DEPTH + 1) + ']'.repeat(MAX_DEPTH + 1)).status).toBe(400);
    expect(refusal('['.repeat(100_000) + ']'.repeat(100_000)).status).toBe(400);
  });

  it('refuses a key written twice in one object (JSON.parse would keep the last, other parsers the first), naming it', () => {
    const problem = refusal('{"orderNo":"SO-1","amount":100,"currency":"CNY","amount":2000000}');
    expect(problem.status).toBe(400);
    expect(problem.message).toContain('/amount');
    expect(problem.extensions.errors?.map((error) => error.field)).toEqual(['/amount']);
  });

  it('ignores a leading byte order mark (RFC 8259 §8.1), and only a leading one', () => {
    expect(parseJson('\uFEFF{"a":1}')).toEqual({ a: 1 });
    expect(refusal('\uFEFF\uFEFF{"a":1}').status).toBe(400);
    expect(refusal(' \uFEFF{"a":1}').status).toBe(400);
  });

  it('answers 400 with the parser message for text that is not JSON', () => {
    const problem = refusal('{"a":');
    expect(problem.status).toBe(400);
    expect(problem.message).toMatch(/not valid JSON/);
  });
});
