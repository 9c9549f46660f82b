// Uploaded .bpmn and .dmn files nested deeper than any diagram (thousands of subprocesses or extension elements
// inside each other) are refused with a 422 naming the file and the element, on a deployment and on an impact
// check alike; they overflowed the stack of the rules and answered 500 (docs/validation.md, xml-nesting).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf, TOKENS } from './support/client.js';
import { removeDataDir, startTestServer, type TestServer } from './support/real-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ bodyBytes: 4 * 1024 * 1024 });
}, 60_000);
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

const definitions = (process: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">\n${process}</definitions>`;
const subprocesses = (levels: number) => definitions(
  '<process id="deep" isExecutable="true"><startEvent id="s"/>' +
  Array.from({ length: levels }, (_, i) => `<subProcess id="p${i}">`).join('') + '</subProcess>'.repeat(levels) + '</process>',
);
/** A process that runs: `levels` subprocesses inside each other, each with a start, an end and flows between them. */
const runnableSubprocesses = (levels: number) => {
  const level = (n: number): string => n === levels
    ? `<startEvent id="s${n}"/><sequenceFlow id="f${n}" sourceRef="s${n}" targetRef="e${n}"/><endEvent id="e${n}"/>`
    : `<startEvent id="s${n}"/><sequenceFlow id="in${n}" sourceRef="s${n}" targetRef="p${n}"/><subProcess id="p${n}">${level(n + 1)}</subProcess>` +
      `<sequenceFlow id="out${n}" sourceRef="p${n}" targetRef="e${n}"/><endEvent id="e${n}"/>`;
  return definitions(`<process id="deep" isExecutable="true">${level(0)}</process>`);
};
const extensions = (levels: number) => definitions(
  `<process id="deep" isExecutable="true"><startEvent id="s"><extensionElements><v:r xmlns:v="urn:vendor">${'<v:a>'.repeat(levels)}${'</v:a>'.repeat(levels)}</v:r></extensionElements></startEvent></process>`,
);
const dmn = (levels: number) =>
  `<?xml version="1.0"?><definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="n"><decision id="tier">${'<extensionElements>'.repeat(levels)}${'</extensionElements>'.repeat(levels)}</decision></definitions>`;

const CASES = [
  { what: '5,000 nested subprocesses', name: 'deep.bpmn', xml: subprocesses(5000), element: 'p98', tag: 'subProcess' },
  { what: '100,000 nested vendor extension elements', name: 'deep.bpmn', xml: extensions(100_000), element: null, tag: 'v:a' },
  { what: 'a decision with 100,000 nested extension elements', name: 'tiers.dmn', xml: dmn(100_000), element: null, tag: 'extensionElements' },
];

describe('files nested deeper than Stratum reads', () => {
  for (const route of ['/api/deployments', '/api/impact']) {
    for (const { what, name, xml, element, tag } of CASES) {
      it(`${route} refuses ${what}, naming the file and the element`, async () => {
        const response = await server.api.request('POST', `${route}?name=${name}`, { token: TOKENS.designer, body: xml, headers: { 'content-type': 'application/xml' } });
        // an impact check answers what a deployment would: blocking, with the deployment's findings
        expect(response.status).toBe(route === '/api/impact' ? 200 : 422);
        const { findings } = (route === '/api/impact' ? response.body : problemOf(response)) as { findings: unknown[] };
        if (route === '/api/impact') expect(response.body).toMatchObject({ blocking: true });
        expect(findings).toEqual([expect.objectContaining({ file: name, elementId: element, rule: 'xml-nesting', message: expect.stringContaining(`<${tag}>`) as string })]);
      });
    }
  }

  it('deploys a process 90 subprocesses deep, serves its file back as it came and runs it to its end', async () => {
    const xml = runnableSubprocesses(90);
    const deployed = await server.api.request('POST', '/api/deployments?name=deep.bpmn&note=deep', { token: TOKENS.designer, body: xml, headers: { 'content-type': 'application/xml' } });
    expect(deployed.status).toBe(201);
    const back = await server.api.request('GET', '/api/processes/deep/versions/1/xml', { token: TOKENS.designer, headers: { accept: 'application/xml' } });
    expect(back.text).toBe(xml);
    const started = await server.api.request<{ status: string }>('POST', '/api/processes/deep/instances', { token: TOKENS.erp, json: {} });
    expect(started.status).toBe(201);
    expect(started.body.status).toBe('completed');
  });
});
