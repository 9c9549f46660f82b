import { describe, expect, it } from 'vitest';
import { strayAmpersand } from '../../../engine/bpmn/xml-ampersands.js';
import { lintXml } from '../../../engine/lint/lint-bpmn.js';

const withName = (name: string) => `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">\n<process id="p" name="${name}" isExecutable="true"/></definitions>`;

describe('an & that begins no reference XML defines', () => {
  it('is found with what is written from it and its line: an undeclared entity, a bare &, a broken character reference', () => {
    expect(strayAmpersand(withName('Credit&nbsp;check'))).toEqual({ written: '&nbsp;check', line: 2 });
    expect(strayAmpersand(withName('Sales & service'))).toEqual({ written: '&', line: 2 });
    expect(strayAmpersand(withName('a&#xZZ;'))).toEqual({ written: '&#xZZ;', line: 2 });
  });

  it('is not found in the five predefined entities, character references, comments, CDATA or processing instructions', () => {
    expect(strayAmpersand(`${withName('&lt;&gt;&amp;&quot;&apos;&#233;&#xE9;')}<!-- R&D --><?pi a&b?>`)).toBeUndefined();
    expect(strayAmpersand('<a><![CDATA[a && b]]></a>')).toBeUndefined();
  });

  it('refuses the file as xml-parse naming the line, where moddle read it and it deployed as no XML', async () => {
    expect(await lintXml(withName('Sales & service'))).toEqual([{ elementId: null, rule: 'xml-parse', severity: 'error',
      message: 'line 2 writes "&", which is no reference XML defines (&lt; &gt; &amp; &quot; &apos; &#…;), so the file is not XML; write a plain & as &amp;' }]);
  });
});
