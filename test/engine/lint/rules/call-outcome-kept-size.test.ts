// call-outcome-kept works out what a document's processes supply once per lint of the document, not once per
// process: a file of 3,000 small processes (500 KB) took minutes to deploy, the thread linting it held all along.
import { describe, expect, it, vi } from 'vitest';
import { lintXml } from '../../../../engine/lint/lint-bpmn.js';

const supplies = vi.hoisted(() => ({ walks: 0 }));

vi.mock('../../../../engine/lint/variable-supply.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../../engine/lint/variable-supply.js')>();
  return {
    ...actual,
    processSuppliesOf: (...args: Parameters<typeof actual.processSuppliesOf>) => {
      supplies.walks++;
      return actual.processSuppliesOf(...args);
    },
  };
});

const processes = (count: number) =>
  Array.from({ length: count }, (_, i) =>
    `<process id="p${i}" isExecutable="true"><startEvent id="s${i}" name="Start"/><sequenceFlow id="f${i}" sourceRef="s${i}" targetRef="e${i}"/><endEvent id="e${i}" name="End"/></process>`,
  ).join('');

describe('call-outcome-kept on a file of many processes', () => {
  it('walks the document\'s processes a few times per lint, not once per process', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?><definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="http://example.com/many">${processes(300)}</definitions>`;
    supplies.walks = 0;
    const findings = await lintXml(xml);
    expect(findings.filter((finding) => finding.severity === 'error')).toEqual([]);
    expect(supplies.walks).toBeGreaterThan(0);
    expect(supplies.walks).toBeLessThan(10);
  });
});
