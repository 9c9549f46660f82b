// Request fingerprints for idempotent starts.
import { describe, expect, it } from 'vitest';
import { canonicalJson, requestHash } from '../../../server/http/request-hash.js';

describe('requestHash', () => {
  it('is the same for the same body in any key order, and differs for any other value', () => {
    const body = { orderNo: 'SO-1', customer: { name: 'A', id: 'C-1' }, amount: 10.5, tags: ['x', 'y'] };
    const reordered = { tags: ['x', 'y'], amount: 10.5, customer: { id: 'C-1', name: 'A' }, orderNo: 'SO-1' };
    expect(requestHash(reordered)).toBe(requestHash(body));
    expect(requestHash({ ...body, amount: 10.51 })).not.toBe(requestHash(body));
    expect(requestHash({ ...body, tags: ['y', 'x'] })).not.toBe(requestHash(body));
    expect(requestHash({ ...body, customer: { name: 'A' } })).not.toBe(requestHash(body));
  });

  it('writes canonical JSON: sorted keys, no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: null, e: 'x' }], c: true } })).toBe('{"a":{"c":true,"d":[1,{"e":"x","f":null}]},"b":1}');
  });
});
