import { describe, expect, it } from 'vitest';
import { judgeCondition } from '../../../../modeler/src/features/properties/FeelConditionCheck.js';
import { textContaining } from '../../../support/matchers.js';

describe('FEEL feedback under a condition', () => {
  it('accepts valid FEEL', () => {
    expect(judgeCondition('=amount > 1000000 and not(prepaid)')).toEqual({ state: 'valid' });
  });

  it('points at a syntax error', () => {
    const verdict = judgeCondition('=amount >');
    expect(verdict.state).toBe('invalid');
    expect(verdict).toHaveProperty('message', textContaining('syntax error'));
  });

  it('shows the FEEL a Camunda 7 expression runs as', () => {
    expect(judgeCondition('${amount > 1000}')).toMatchObject({ state: 'not-feel', message: textContaining('Camunda 7 expression: runs as the FEEL "=amount > 1000"') });
    expect(judgeCondition('${order.isLarge()}')).toMatchObject({ state: 'invalid', message: textContaining('method call isLarge(…) is not supported at position 9') });
  });

  it('asks for the leading "=" of FEEL', () => {
    expect(judgeCondition('amount > 1000')).toMatchObject({ state: 'not-feel', message: textContaining('"="') });
  });

  it('explains a flow without a condition', () => {
    expect(judgeCondition(undefined)).toEqual({ state: 'none' });
    expect(judgeCondition('  ')).toEqual({ state: 'none' });
  });
});
