// Whether a picked file is a BPMN diagram at all (file-kind.ts), before the XML parser is asked.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { notBpmnFile, notBpmnSentence } from '../../../../modeler/src/features/files/file-kind.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const fixture = (path: string) => new Uint8Array(readFileSync(join(import.meta.dirname, path)));

describe('notBpmnFile', () => {
  it('takes BPMN\'s <definitions>, prefixed or not, after a declaration, comments and a byte order mark', () => {
    expect(notBpmnFile(fixture('../../fixtures/other-tool.bpmn'))).toBeNull();
    expect(notBpmnFile(bytes('\uFEFF<?xml version="1.0"?>\n<!-- exported --><definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"/>'))).toBeNull();
    expect(notBpmnFile(bytes(`<semantic:definitions xmlns:semantic='http://www.omg.org/spec/BPMN/20100524/MODEL'></semantic:definitions>`))).toBeNull();
  });

  it('says an image, JSON or plain text is not XML', () => {
    expect(notBpmnFile(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]))).toBe('it is not an XML file');
    expect(notBpmnFile(bytes('  {"orderNo": "SO-1"}'))).toBe('it is not an XML file');
    expect(notBpmnFile(bytes('Approve the order'))).toBe('it is not an XML file');
    expect(notBpmnFile(new Uint8Array())).toBe('it is not an XML file');
  });

  it('says XML of another kind is not BPMN: a DMN decision, or the root element it has', () => {
    expect(notBpmnFile(fixture('../../../fixtures/dmn/approval-tier.dmn'))).toBe('it is XML, but a DMN decision (<definitions> of DMN), not BPMN');
    expect(notBpmnFile(bytes('<!DOCTYPE note><note><to>Tove</to></note>'))).toBe('it is XML, but its root element is <note>, not BPMN\'s <definitions>');
    expect(notBpmnFile(bytes('<bpmn:definitions xmlns:bpmn="http://example.com/not-bpmn"/>'))).toBe('it is XML, but its root element is <bpmn:definitions>, not BPMN\'s <definitions>');
  });

  it('leaves XML whose encoding is wrong, or whose start it cannot read, to the importer (its message names the line)', () => {
    expect(notBpmnFile(new Uint8Array([...bytes('<?xml version="1.0"?><definitions name="'), 0xe9, ...bytes('"/>')]))).toBeNull();
    expect(notBpmnFile(bytes('< definitions'))).toBeNull();
  });
});

describe('notBpmnSentence', () => {
  it('names the file and says what to open instead', () => {
    expect(notBpmnSentence('photo.png', 'it is not an XML file')).toBe('photo.png is not a BPMN diagram: it is not an XML file. Open a .bpmn file saved by a BPMN modeler.');
  });
});
