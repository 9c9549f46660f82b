// The modeler reads a deployed version's XML in the encoding the server sends it (modeler/src/api/client.ts):
// `Response.text()` reads every body as UTF-8, and a deployed ISO-8859-1 file's accents came into the modeler as
// U+FFFD, which a save then deployed.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../../../modeler/src/api/client.js';
import { encodeXml } from '../../../engine/interop/index.js';

const NAME = 'Rechnungsprüfung für Großkunden 検査';

function versionXml(encoding: string): string {
  return `<?xml version="1.0" encoding="${encoding}"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><bpmn:process id="p" name="${NAME}"/></bpmn:definitions>\n`;
}

describe('ApiClient reads deployed XML in its own encoding', () => {
  afterEach(() => vi.unstubAllGlobals());

  it.each(['ISO-8859-1', 'windows-1252', 'UTF-16', 'UTF-8'])('%s: the process name arrives as deployed', async (encoding) => {
    const deployed = versionXml(encoding);
    const bytes = encodeXml(deployed);
    vi.stubGlobal('fetch', () => Promise.resolve(new Response(bytes, { status: 200, headers: { 'content-type': 'application/xml' } })));
    const api = new ApiClient();
    api.setToken('ann');
    const xml = await api.getVersionXml('p', 1);
    expect(xml).not.toContain('\uFFFD');
    // the single-byte encodings write 検査 as character references, which every XML reader resolves
    const expected = encoding.startsWith('UTF') ? NAME : NAME.replace('検査', '&#26908;&#26619;');
    expect(xml).toContain(`name="${expected}"`);
    expect(await api.getDecisionXml('d', 1)).toBe(xml);
  });
});
