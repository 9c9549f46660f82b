import { describe, expect, it } from 'vitest';
import { judgeCondition } from '../../../../modeler/src/features/properties/FeelConditionCheck.js';

describe('FEEL feedback under a condition', () => {
  it('accepts valid FEEL', () => {
    expect(judgeCondition('=amount > 1000000 and not(prepaid)')).toEqual({ state: 'valid' });
  });

  it('points at a syntax error', () => {
    const verdict = judgeCondition('=amount >');
    expect(verdict.state).toBe('invalid');
    expect(verdict).toHaveProperty('message', expect.stringContaining('syntax error'));
  });

  it('says a Camunda 7 expression is translated at deploy', () => {
    expect(judgeCondition('${amount > 1000}')).toMatchObject({ state: 'not-feel', message: expect.stringContaining('Camunda 7') });
  });

  it('asks for the leading "=" of FEEL', () => {
    expect(judgeCondition('amount > 1000')).toMatchObject({ state: 'not-feel', message: expect.stringContaining('"="') });
  });

  it('explains a flow without a condition', () => {
    expect(judgeCondition(undefined)).toEqual({ state: 'none' });
    expect(judgeCondition('  ')).toEqual({ state: 'none' });
  });
});
