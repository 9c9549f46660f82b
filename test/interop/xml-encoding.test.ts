// A deployed file is served back in the encoding it declares (engine/interop/encoding.ts): encodeXml is the inverse of
// decodeXml, and what it writes agrees with its own declaration, so libxml2 reads it as the same document.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { decodeXml, encodeXml, xmlCharset } from '../../engine/interop/index.js';

const xmllintFound = spawnSync('xmllint', ['--version'], { encoding: 'utf8' }).status === 0;

function document(encoding: string): string {
  return `<?xml version="1.0" encoding="${encoding}"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" name="Prüfung 検査 𝄞"/>\n`;
}

describe('encodeXml writes the encoding the text declares', () => {
  it.each([
    ['UTF-16', 'utf-16', [0xff, 0xfe, 0x3c, 0x00]],
    ['utf-16le', 'utf-16le', [0x3c, 0x00, 0x3f, 0x00]],
    ['UTF-16BE', 'utf-16be', [0x00, 0x3c, 0x00, 0x3f]],
    ['UTF-8', 'utf-8', [0x3c, 0x3f, 0x78, 0x6d]],
  ])('%s: charset %s, and decodeXml reads back the same text, characters beyond the BMP included', (declared, charset, head) => {
    const text = document(declared);
    const bytes = encodeXml(text);
    expect(xmlCharset(text)).toBe(charset);
    expect([...bytes.subarray(0, 4)]).toEqual(head);
    expect(decodeXml(bytes)).toBe(text);
  });

  it('serves a file that declared UTF-16 but was written as UTF-8 (.NET StringWriter) as the UTF-16 it declares', () => {
    const text = document('utf-16');
    const asWritten = new TextEncoder().encode(text);
    expect(decodeXml(asWritten)).toBe(text); // read despite its declaration
    const served = encodeXml(text);
    expect([...served.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    expect(decodeXml(served)).toBe(text);
  });

  it.skipIf(!xmllintFound)('libxml2 reads each served form as the document it is, where it refused the UTF-8 bytes labelled UTF-16', () => {
    for (const declared of ['UTF-16', 'UTF-16LE', 'UTF-16BE']) {
      const read = spawnSync('xmllint', ['--nonet', '--encode', 'UTF-8', '-'], { input: encodeXml(document(declared)), encoding: 'utf8' });
      expect(read.status, `${declared}: ${read.stderr}`).toBe(0);
      expect(read.stdout).toContain('name="Prüfung 検査 𝄞"');
    }
    const mislabelled = spawnSync('xmllint', ['--nonet', '--noout', '-'], { input: new TextEncoder().encode(document('UTF-16')), encoding: 'utf8' });
    expect(mislabelled.status).not.toBe(0);
  });
});
