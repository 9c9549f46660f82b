import { describe, expect, it } from 'vitest';
import { illegalXmlCharacter } from '../../../engine/bpmn/xml-characters.js';
import { parseXml } from '../../../engine/interop/xml-tree.js';

describe('characters XML does not allow', () => {
  it('finds a NUL, a C0 control, a lone surrogate, U+FFFE and U+FFFF, as themselves or as references, with their line', () => {
    expect(illegalXmlCharacter('<a>\n<b n="x&#0;"/></a>')).toEqual({ codePoint: 'U+0000', offset: 11, line: 2, reference: true });
    expect(illegalXmlCharacter('<a>\u0007</a>')).toMatchObject({ codePoint: 'U+0007', reference: false });
    expect(illegalXmlCharacter('<a>&#xd800;</a>')).toMatchObject({ codePoint: 'U+D800', reference: true });
    expect(illegalXmlCharacter('<a>\uDC00</a>')).toMatchObject({ codePoint: 'U+DC00', reference: false });
    expect(illegalXmlCharacter('<a>&#65535;</a>')).toMatchObject({ codePoint: 'U+FFFF' });
    expect(illegalXmlCharacter('<a>&#x110000;</a>')).toMatchObject({ codePoint: 'beyond U+10FFFF' });
  });

  it('lets tab, line breaks, astral characters and their references pass', () => {
    expect(illegalXmlCharacter('<a n="&#9;&#xA;&#13;&#x1F600;&#xE9;">\t\r\n\u{1F600}é</a>')).toBeUndefined();
  });

  it('keeps stratum convert from writing such a character back, naming the line', () => {
    expect(() => parseXml('<a>\n<b n="&#0;"/></a>')).toThrow('the text holds a character reference to the character U+0000, which XML does not allow (a control character, a lone surrogate, U+FFFE or U+FFFF) (line 2)');
  });
});
