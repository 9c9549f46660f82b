import { describe, expect, it } from 'vitest';
import { astralReferencesAsCharacters } from '../../../engine/bpmn/astral-references.js';
import { parseBpmn } from '../../../engine/bpmn/moddle.js';
import { parseDmn } from '../../../engine/dmn/dmn-model.js';

describe('character references beyond U+FFFF', () => {
  it('are written as their characters, but in comments, CDATA and processing instructions; others stay references', () => {
    expect(astralReferencesAsCharacters('<a n="&#x1F600;&#128512;&#xE9;&amp;"><!-- &#x1F600; --><![CDATA[&#x1F600;]]><?pi &#x1F600;?>&#x1f600;</a>'))
      .toBe('<a n="\u{1F600}\u{1F600}&#xE9;&amp;"><!-- &#x1F600; --><![CDATA[&#x1F600;]]><?pi &#x1F600;?>\u{1F600}</a>');
  });

  it('reach a BPMN name and a DMN output as the character, where the reader cut &#x1F600; to U+F600', async () => {
    const bpmn = await parseBpmn('<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><process id="p" name="a&#x1F600;b"/></definitions>');
    expect(bpmn.definitions.rootElements[0].name).toBe('a\u{1F600}b');
    const dmn = await parseDmn('<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="n">' +
      '<decision id="mood" name="Mood"><decisionTable id="t"><output id="o" name="face" typeRef="string"/>' +
      '<rule id="r"><outputEntry id="e"><text>"&#x1F600;"</text></outputEntry></rule></decisionTable></decision></definitions>');
    expect(JSON.stringify([...dmn.decisions.values()][0])).toContain('"\\"\u{1F600}\\""');
  });
});
