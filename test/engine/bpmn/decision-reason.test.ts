// The approval convention (engine/bpmn/decision-reason.ts): a rejection, or a special change not acknowledged, says
// why in a comment with a visible character, where the task declares a comment. The runtime refuses a completion by
// it and the task list asks for the reason by it; the characters that show nothing are the schemas' (visible-text.ts).
import { describe, expect, it } from 'vitest';
import { decisionWithoutReason } from '../../../engine/bpmn/decision-reason.js';
import { isVisibleText } from '../../../engine/variables/visible-text.js';
import { safeText } from '../../../server/schemas/common.js';

const APPROVAL = ['approved', 'comment'];
const ACKNOWLEDGEMENT = ['acknowledged', 'comment'];

/** Text that passes `trim()` (and `\S`) but shows nothing, or only characters refused in typed text. */
const BLANKS = ['', '   ', '\t\n', '\u200B', '\u200D\u2060', '\u00AD', '\uFEFF', '\u3164', '\u2800', ' \u200B ', '\u0007', '\u202E'];

describe('decisionWithoutReason', () => {
  it('names a rejection and a refused acknowledgement sent without a comment, missing, null, not a text or showing nothing', () => {
    for (const comment of [undefined, null, 5, true, { text: 'why' }, ['why'], ...BLANKS]) {
      const sent = comment === undefined ? {} : { comment };
      expect(decisionWithoutReason({ approved: false, ...sent }, APPROVAL), JSON.stringify(comment)).toBe('approved');
      expect(decisionWithoutReason({ acknowledged: false, ...sent }, ACKNOWLEDGEMENT), JSON.stringify(comment)).toBe('acknowledged');
    }
  });

  it('takes a rejection with a reason, one visible character being enough, around blanks or in any script', () => {
    for (const comment of ['Credit limit exceeded.', 'x', '\u200B-\u200B', ' 否 ', '\u{1F6AB}']) {
      expect(decisionWithoutReason({ approved: false, comment }, APPROVAL), comment).toBeNull();
      expect(decisionWithoutReason({ acknowledged: false, comment }, ACKNOWLEDGEMENT), comment).toBeNull();
    }
  });

  it('asks nothing of an approval, an acknowledgement, or a decision that is not false', () => {
    expect(decisionWithoutReason({ approved: true }, APPROVAL)).toBeNull();
    expect(decisionWithoutReason({ acknowledged: true, comment: '' }, ACKNOWLEDGEMENT)).toBeNull();
    expect(decisionWithoutReason({}, ACKNOWLEDGEMENT)).toBeNull();
    // not a decision at all: the gateway after the task refuses it (a condition must yield a boolean)
    expect(decisionWithoutReason({ approved: 'false' }, APPROVAL)).toBeNull();
  });

  it('asks nothing of a task that declares no comment to give it in, nor of a decision it does not declare', () => {
    expect(decisionWithoutReason({ approved: false }, ['approved'])).toBeNull();
    expect(decisionWithoutReason({ acknowledged: false }, ['acknowledged'])).toBeNull();
    expect(decisionWithoutReason({ approved: false }, ['acknowledged', 'comment'])).toBeNull();
  });
});

describe('isVisibleText', () => {
  it('is what the schemas\' safeText calls visible: blanks, format characters and control characters alone are not', () => {
    const safeLine = new RegExp(String(safeText(100).pattern), 'u');
    for (const text of [...BLANKS, 'a', ' a ', '\u200Ba', '\u{1F6AB}']) {
      expect(isVisibleText(text), JSON.stringify(text)).toBe(safeLine.test(text));
    }
    expect(BLANKS.filter(isVisibleText)).toEqual([]);
    expect(isVisibleText(1)).toBe(false);
  });
});
