// parseBpmn reads ids in any script (XML names bpmn-moddle refuses) and gives
// every reader — lint, the process library, the runtime's compiled definition —
// the file's ids, never moddle's ASCII aliases.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ModdleElement } from 'bpmn-moddle';
import { parseBpmn } from '../../../engine/bpmn/moddle.js';
import { compileExecutable } from '../../../engine/runtime/definition-cache.js';
import { lintXml } from '../../../engine/lint/lint-bpmn.js';
import { isXmlName } from '../../../engine/interop/id-aliases.js';
import { textContaining } from '../../support/matchers.js';

const FILE = readFileSync(fileURLToPath(new URL('../../fixtures/server/non-ascii-ids.bpmn', import.meta.url)), 'utf8');
const ALIAS = /_x[0-9A-F]{4}_/;

const processes = (definitions: ModdleElement) => (definitions.rootElements ?? []).filter((element) => element.$type === 'bpmn:Process');
const element = (process: ModdleElement, id: string) => (process.flowElements ?? []).find((candidate) => candidate.id === id);

describe('parseBpmn with ids in any script', () => {
  it('models the file\'s ids, references between them and ids named in attributes', async () => {
    const { definitions, moddleContext, warnings } = await parseBpmn(FILE);
    expect(warnings).toEqual([]);
    expect(definitions.id).toBe('定義_1');
    const [main, called] = processes(definitions);
    expect([main?.id, called?.id]).toEqual(['Prüfen', '確認_1']);
    const gateway = element(main, 'Größe')!;
    expect(gateway.default?.id).toBe('Fluss_klein');
    const flow = element(main, 'Fluss_2')!;
    expect([flow.sourceRef?.id, flow.targetRef?.id]).toEqual(['مهمة_1', 'Größe']);
    expect(element(main, 'Zahlung_abwarten')!.eventDefinitions?.[0]?.messageRef?.id).toBe('Nachricht_Zahlungseingang_ä');
    const call = element(main, 'Aufruf_確認')!;
    expect(call.extensionElements?.values?.[0]?.get('processId')).toBe('確認_1');
    // what moddle-context-serializer (the runtime) reads besides the model
    expect(Object.keys(moddleContext.elementsById)).toEqual(expect.arrayContaining(['Prüfen', 'مهمة_1', 'Fluss_groß', '承認']));
    expect(moddleContext.references.map((reference) => reference.id)).toEqual(expect.arrayContaining(['مهمة_1', 'Größe', 'Fluss_klein', 'Nachricht_Zahlungseingang_ä']));
    expect(JSON.stringify(Object.keys(moddleContext.elementsById))).not.toMatch(ALIAS);
  });

  it('gives a Camunda 7 call activity its calledElement and a gateway condition\'s flow as written', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Défs" targetNamespace="http://stratum.dev/test">
  <bpmn:process id="Übergeordnet" isExecutable="true">
    <bpmn:startEvent id="Start" name="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Aufruf" />
    <bpmn:callActivity id="Aufruf" name="Aufruf" calledElement="Untergeordnet_ä" camunda:calledElementBinding="latest" />
    <bpmn:sequenceFlow id="F2" sourceRef="Aufruf" targetRef="Ende" />
    <bpmn:endEvent id="Ende" name="Ende" />
  </bpmn:process>
</bpmn:definitions>`;
    const { definitions, flavour } = await parseBpmn(xml);
    expect(flavour).toBe('camunda');
    const [process] = processes(definitions);
    expect(process?.id).toBe('Übergeordnet');
    // the called process is not in this file: its id is no id of the file, and was never aliased
    expect(element(process, 'Aufruf')?.calledElement).toBe('Untergeordnet_ä');
    const calling = xml.replace('</bpmn:process>', '</bpmn:process>\n  <bpmn:process id="Untergeordnet_ä" isExecutable="true"><bpmn:startEvent id="S2" name="S2" /></bpmn:process>');
    const both = processes((await parseBpmn(calling)).definitions);
    expect(both.map((candidate) => candidate.id)).toEqual(['Übergeordnet', 'Untergeordnet_ä']);
    expect(element(both[0], 'Aufruf')?.calledElement).toBe('Untergeordnet_ä');
  });

  it('leaves a name that is spelled like an alias as written', async () => {
    const { definitions } = await parseBpmn(FILE.replace('name="Betrag erfassen"', 'name="Pr_x00FC_fen"'));
    expect(element(processes(definitions)[0], 'مهمة_1')?.name).toBe('Pr_x00FC_fen');
  });

  it('compiles the process for bpmn-engine under the file\'s ids', async () => {
    const executable = await compileExecutable('Prüfen', 1, FILE);
    expect(executable.model.key).toBe('Prüfen');
    const context = JSON.parse((executable.sourceContext as { serialize(): string }).serialize()) as unknown;
    const text = JSON.stringify(context);
    expect(text).toContain('"Fluss_groß"');
    expect(text).toContain('"مهمة_1"');
    expect(text).not.toMatch(ALIAS);
  });

  it('names an id used twice by the file\'s id, and still refuses it', async () => {
    const twice = FILE.replace('id="Fluss_4"', 'id="مهمة_1"');
    const findings = await lintXml(twice);
    expect(findings).toContainEqual(expect.objectContaining({ elementId: 'مهمة_1', rule: 'xml-import', severity: 'error', message: textContaining('the id "مهمة_1" is used by two elements') }));
    expect(JSON.stringify(findings)).not.toMatch(ALIAS);
  });
});

describe('isXmlName', () => {
  it('accepts NCNames of any script and refuses what XML does not allow in an id', () => {
    for (const id of ['Prüfen', '定義_1', 'مهمة_1', '_x', 'a-b.c', 'कार्य', 'Ωmega·1']) expect(isXmlName(id), id).toBe(true);
    for (const id of ['1abc', 'a b', '-a', '.a', 'a:b', '', 'a\u202Eb', '·a']) expect(isXmlName(id), id).toBe(false);
  });
});
