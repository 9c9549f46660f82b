// Diagrams drawn in Stratum, and what Stratum saves, validate against the
// BPMN 2.0 XSD of the shared corpus, checked offline with xmllint (Debian
// package libxml2-utils).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertBpmn, exportBpmn, importBpmn, withModel } from '../../engine/interop/pipeline.js';
import { corpusDir, corpusFiles, corpusRequired, repoRoot, requireCorpus } from './support/shared-corpus.js';

const schema = join(corpusDir, 'xsd', 'BPMN20.xsd');
const xmllintFound = spawnSync('xmllint', ['--version'], { encoding: 'utf8' }).status === 0;
const diagramsDir = join(repoRoot, 'diagrams');
const diagrams = existsSync(diagramsDir) ? readdirSync(diagramsDir).filter((name) => name.endsWith('.bpmn')).sort() : [];

/** xmllint's complaints, or '' when the document validates. */
function schemaErrors(xml: string): string {
  const result = spawnSync('xmllint', ['--nonet', '--noout', '--schema', schema, '-'], { input: xml, encoding: 'utf8' });
  return result.status === 0 ? '' : result.stderr.trim() || `xmllint exited with ${result.status}`;
}

describe('BPMN 2.0 XSD validation (xmllint --nonet)', () => {
  if (!requireCorpus('XSD validation')) return;
  if (!xmllintFound) {
    if (corpusRequired) it('finds xmllint (Debian package libxml2-utils)', () => expect.fail('xmllint is not installed'));
    else it.skip('xmllint is not installed (apt-get install libxml2-utils)', () => undefined);
    return;
  }

  it('rejects a document the schema does not allow (the validator really validates)', () => {
    const invalid = '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="urn:x"><process id="P"><task id="T" startQuantity="many"/></process></definitions>';
    expect(schemaErrors(invalid)).toMatch(/startQuantity/);
  });

  if (diagrams.length === 0) {
    console.warn(`skipping diagram validation: no .bpmn files in ${diagramsDir} yet`);
    it.skip('diagrams/ has no .bpmn files yet', () => undefined);
  }

  for (const name of diagrams) {
    it(`diagrams/${name} and Stratum's save of it validate`, async () => {
      const xml = readFileSync(join(diagramsDir, name), 'utf8');
      expect(schemaErrors(xml)).toBe('');
      expect(schemaErrors(await convertBpmn(xml))).toBe('');
    });

    it(`diagrams/${name} still validates after adding a task, a flow and their shapes`, async () => {
      const document = await importBpmn(readFileSync(join(diagramsDir, name)));
      await withModel(document, (definitions, moddle) => {
        const process = definitions.rootElements!.find((e) => e.$type === 'bpmn:Process')!;
        const end = process.flowElements!.find((e) => e.$type === 'bpmn:EndEvent')!;
        const task = moddle.create('bpmn:Task', { id: 'Added_Task', name: 'Added' });
        const flow = moddle.create('bpmn:SequenceFlow', { id: 'Added_Flow', sourceRef: task, targetRef: end });
        task.outgoing = [flow];
        end.incoming = [...(end.incoming ?? []), flow];
        process.flowElements!.push(task, flow);
        const plane = definitions.diagrams![0].plane!;
        plane.planeElement!.push(
          moddle.create('bpmndi:BPMNShape', { id: 'Added_Task_di', bpmnElement: task, bounds: moddle.create('dc:Bounds', { x: 0, y: 400, width: 100, height: 80 }) }),
          moddle.create('bpmndi:BPMNEdge', { id: 'Added_Flow_di', bpmnElement: flow, waypoint: [moddle.create('dc:Point', { x: 100, y: 440 }), moddle.create('dc:Point', { x: 200, y: 440 })] }),
        );
      });
      const exported = await exportBpmn(document);
      expect(exported).toContain('Added_Flow_di');
      expect(schemaErrors(exported)).toBe('');
    });
  }

  for (const file of corpusFiles()) {
    it(`Stratum's save of ${file} validates (as the original does), also after adding a task and a flow`, async () => {
      const original = new Uint8Array(readFileSync(join(corpusDir, file)));
      expect(schemaErrors(await convertBpmn(original))).toBe('');

      const document = await importBpmn(original);
      let added = false;
      await withModel(document, (definitions, moddle) => {
        const process = (definitions.rootElements ?? []).find((e) => e.$type === 'bpmn:Process' && e.flowElements?.some((f) => f.$type === 'bpmn:EndEvent'));
        if (!process) return;
        const end = process.flowElements!.find((e) => e.$type === 'bpmn:EndEvent')!;
        const task = moddle.create('bpmn:Task', { id: 'Stratum_Added_Task', name: 'Added' });
        const flow = moddle.create('bpmn:SequenceFlow', { id: 'Stratum_Added_Flow', sourceRef: task, targetRef: end });
        task.outgoing = [flow];
        end.incoming = [...(end.incoming ?? []), flow];
        process.flowElements!.push(task, flow);
        added = true;
      });
      if (!added) return;
      const exported = await exportBpmn(document);
      expect(exported).toContain('Stratum_Added_Flow');
      expect(schemaErrors(exported)).toBe('');
    });
  }
});
