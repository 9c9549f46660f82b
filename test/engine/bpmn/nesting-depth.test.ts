import { describe, expect, it } from 'vitest';
import { MAX_ELEMENT_DEPTH, tooDeeplyNested } from '../../../engine/bpmn/nesting-depth.js';
import { parseBpmn } from '../../../engine/bpmn/moddle.js';
import { lintXml } from '../../../engine/lint/lint-bpmn.js';
import { parseXml } from '../../../engine/interop/xml-tree.js';

/** A process `levels` subprocesses deep (the definitions and the process are two levels more). */
const nestedSubprocesses = (levels: number) =>
  '<?xml version="1.0" encoding="UTF-8"?>\n<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">\n' +
  '<process id="deep" isExecutable="true"><startEvent id="s"/>' +
  Array.from({ length: levels }, (_, i) => `<subProcess id="p${i}">`).join('') + '</subProcess>'.repeat(levels) +
  '</process></definitions>';

describe('elements nested too deep', () => {
  it(`reads ${MAX_ELEMENT_DEPTH} open elements and names the first one deeper: its tag, id and line`, () => {
    expect(tooDeeplyNested(nestedSubprocesses(MAX_ELEMENT_DEPTH - 2))).toBeUndefined();
    expect(tooDeeplyNested(nestedSubprocesses(MAX_ELEMENT_DEPTH - 1))).toEqual({ name: 'subProcess', id: `p${MAX_ELEMENT_DEPTH - 2}`, line: 3 });
  });

  it('skips comments, CDATA, processing instructions and ">" or "<" in quoted values; a self-closed element opens nothing', () => {
    const open = (levels: number) => '<a>'.repeat(levels);
    const quiet = `${open(MAX_ELEMENT_DEPTH)}<b x="<c>" y='>'/><!-- <c><c><c> --><![CDATA[<c><c>]]><?pi <c>?>${'<e/>'.repeat(10)}`;
    expect(tooDeeplyNested(quiet)).toBeUndefined();
    expect(tooDeeplyNested(`${quiet}<z id='last'>`)).toEqual({ name: 'z', id: 'last', line: 1 });
  });

  it('refuses 5,000 nested subprocesses as an xml-nesting finding, where the rules overflowed the stack', async () => {
    const xml = nestedSubprocesses(5000);
    expect(await lintXml(xml)).toEqual([expect.objectContaining({ rule: 'xml-nesting', severity: 'error', elementId: 'p98',
      message: `<subProcess> p98 on line 3 is nested more than ${MAX_ELEMENT_DEPTH} elements deep, deeper than Stratum reads; move the inner part into a process of its own and call it` })]);
    await expect(parseBpmn(xml)).rejects.toThrow(/is nested more than 100 elements deep/);
    expect(() => parseXml(xml)).toThrow('<subProcess> is nested more than 100 elements deep, deeper than Stratum reads (line 3)');
  });
});
