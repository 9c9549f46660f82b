// The decisions that must say why (modeler/src/tasklist/decision-contract.ts): a rejection and a special change
// not acknowledged yet, where the task declares a comment: the engine's rule, which the server refuses a completion by.
import { describe, expect, it } from 'vitest';
import { missingReason } from '../../../modeler/src/tasklist/decision-contract.js';

const APPROVAL = ['approved', 'comment'];
const ACKNOWLEDGEMENT = ['acknowledged', 'comment'];

describe('missingReason', () => {
  it('asks a rejection and a refused acknowledgement for a comment, and nothing else', () => {
    expect(missingReason({ approved: false }, APPROVAL)).toBe('Say why you reject the order in the comment.');
    expect(missingReason({ approved: false, comment: '   ' }, APPROVAL)).toBe('Say why you reject the order in the comment.');
    // a comment that shows nothing is refused by the server too (engine/bpmn/decision-reason.ts), so the page asks for it
    expect(missingReason({ approved: false, comment: '\u200B' }, APPROVAL)).toBe('Say why you reject the order in the comment.');
    expect(missingReason({ acknowledged: false, comment: '\u3164' }, ACKNOWLEDGEMENT)).toBe('Say in the comment why you cannot acknowledge the change yet.');
    expect(missingReason({ acknowledged: false }, ACKNOWLEDGEMENT)).toBe('Say in the comment why you cannot acknowledge the change yet.');
    expect(missingReason({ approved: true }, APPROVAL)).toBeNull();
    expect(missingReason({ acknowledged: true }, ACKNOWLEDGEMENT)).toBeNull();
    expect(missingReason({ approved: false, comment: 'Credit limit exceeded.' }, APPROVAL)).toBeNull();
    expect(missingReason({ acknowledged: false, comment: 'Paint not in stock until Friday.' }, ACKNOWLEDGEMENT)).toBeNull();
  });

  it('asks nothing of a task that declares no comment to give it in', () => {
    expect(missingReason({ approved: false }, ['approved'])).toBeNull();
    expect(missingReason({ acknowledged: false }, ['acknowledged'])).toBeNull();
  });
});
