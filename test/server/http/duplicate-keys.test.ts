// A key written twice in one JSON object: found wherever it is, under any
// spelling JSON allows, and nothing else taken for one.
import { describe, expect, it } from 'vitest';
import { firstDuplicateKey, scanJson } from '../../../server/http/duplicate-keys.js';

describe('firstDuplicateKey', () => {
  it('finds nothing in JSON whose keys are all different within their object', () => {
    for (const text of [
      '{}', '[]', '"amount"', '1', 'null',
      '{"amount":1,"currency":"CNY","customer":{"amount":2,"name":"A"}}',
      '[{"a":1},{"a":2}]',
      '{"a":{"b":1},"b":{"a":1}}',
      '{"a":"\\"a\\":1,","b":"{\\"a\\":1,\\"a\\":2}"}',
      '{"a":[1,{"a":1}],"c":{"d":[{"a":1,"b":2},{"a":1,"b":2}]}}',
      '{"amount":1,"Amount":2}',
    ]) expect(firstDuplicateKey(text), text).toBeUndefined();
  });

  it('names the repeated key by its JSON pointer, at the top, nested in objects and in arrays', () => {
    expect(firstDuplicateKey('{"amount":100,"currency":"CNY","amount":2000000}')).toBe('/amount');
    expect(firstDuplicateKey('{"customer":{"name":"A","name":"B"}}')).toBe('/customer/name');
    expect(firstDuplicateKey('{"variables":{"list":[1,{"ok":true},{"approved":false,"approved":true}]}}')).toBe('/variables/list/2/approved');
    expect(firstDuplicateKey('{"a/b":{"x~y":1,"x~y":2}}')).toBe('/a~1b/x~0y');
  });

  it('takes an escaped spelling of a key for the key', () => {
    expect(firstDuplicateKey('{"amount":100,"\\u0061mount":2000000}')).toBe('/amount');
    expect(firstDuplicateKey('{"a\\"b":1,"a\\u0022b":2}')).toBe('/a"b');
  });

  it('is not misled by strings holding quotes, braces and commas, or by whitespace', () => {
    expect(firstDuplicateKey('{ "note" : "{\\"x\\": 1, \\"x\\": 2}" ,\n  "x" : 1 }')).toBeUndefined();
    expect(firstDuplicateKey('{ "note" : "\\\\" ,\n  "note" : 1 }')).toBe('/note');
  });
});

describe('scanJson: numbers JSON.parse would read as another value', () => {
  it('finds none where every number is read as written', () => {
    for (const text of [
      '{"amount":1000000.01,"rate":8.245,"n":-0,"e":1e6,"E":1E+6,"f":0.30000000000000004,"big":9007199254740991}',
      '[1.10,2.5e-7,123456789012345,"1000000.00000000001"]',
      '{"a":"x\\",  "b" : -12.5 }',
    ]) expect(scanJson(text), text).toEqual({});
  });

  it('names the first one by its JSON pointer, with what was written', () => {
    expect(scanJson('{"orderNo":"SO-1","amount":1000000.00000000001}')).toEqual({ inexactNumber: { pointer: '/amount', written: '1000000.00000000001' } });
    expect(scanJson('{"v":[1,{"id":12345678901234567890}],"w":1e400}').inexactNumber).toEqual({ pointer: '/v/1/id', written: '12345678901234567890' });
    expect(scanJson('1e400').inexactNumber).toEqual({ pointer: '', written: '1e400' });
    expect(scanJson('{"tiny":1e-400}').inexactNumber?.pointer).toBe('/tiny');
  });
});
