// Orders enter only through order entry: no call starts an order process, and nothing outside orders calls a
// process that runs inside them (it would run an order's approvals and jobs on variables nobody checked).
import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../../engine/lint/lint-bpmn.js';
import { orderEntryFindings } from '../../../engine/lint/order-call-tree.js';
import type { ProcessSupply } from '../../../engine/lint/variable-supply.js';
import { arrayWith, objectWith } from '../../support/matchers.js';
import { openFixture, shippedDiagrams } from '../../support/stratum-fixture.js';

const RULE = 'order-entry-only';
const shipped = shippedDiagrams();

/** A level-1 process from another tool whose one call activity calls `called`. */
const caller = (key: string, called: string) => ({
  name: `${key}.bpmn`,
  xml: `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${key}" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:callActivity id="Call" name="Run it"><bpmn:extensionElements><zeebe:calledElement processId="${called}" /></bpmn:extensionElements><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:callActivity>
    <bpmn:endEvent id="End"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Call" />
    <bpmn:sequenceFlow id="F2" sourceRef="Call" targetRef="End" />
  </bpmn:process>
</bpmn:definitions>`,
});

const ofRule = async (files: { name: string; xml: string }[]) => (await lintFiles(files)).filter((finding) => finding.rule === RULE);

describe(RULE, () => {
  it('finds nothing in the shipped library', async () => {
    expect(await ofRule(shipped)).toEqual([]);
  });

  it('refuses a call to the process that takes orders, which would start an order without order entry', async () => {
    expect(await ofRule([...shipped, caller('bulk-orders', 'order-to-cash')])).toEqual([objectWith({
      file: 'bulk-orders.bpmn', elementId: 'Call', severity: 'error',
      message: 'Call activity "Run it" calls "order-to-cash", which takes orders: orders enter only through order entry (POST /api/orders), which checks and ' +
        'converts them, and a called order process would start without it (and order entry would refuse every order, "order-to-cash" being no level-1 process any more)',
    })]);
  });

  it('refuses a call from outside orders to a process that runs inside them, at any level', async () => {
    for (const called of ['sales-order-management', 'credit-order-approval']) {
      const findings = await ofRule([...shipped, caller('fast-lane', called)]);
      expect(findings.map((finding) => [finding.file, finding.elementId, finding.severity])).toEqual([['fast-lane.bpmn', 'Call', 'error']]);
      expect(findings[0].message).toContain(`calls "${called}", which runs inside orders (called from "order-to-cash"), from process "fast-lane", which does not`);
    }
  });

  it('refuses a deployment that puts a process a deployed outsider calls inside orders, naming the deployed caller', async () => {
    const fixture = await openFixture();
    try {
      const library = fixture.stratum.library;
      await library.deploy([caller('helper', 'leaf'), caller('leaf-user', 'helper'), { ...caller('leaf', 'x'), xml: caller('leaf', 'x').xml.replace(/<bpmn:callActivity[\s\S]*?<\/bpmn:callActivity>/, '<bpmn:task id="Call" name="Work"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:task>') }], { user: 'designer', note: 'helpers' });
      const approval = shipped.find((file) => file.name === 'credit-order-approval.bpmn')!;
      // the credit approval now calls helper, which leaf-user (deployed, outside orders) calls too
      const calling = approval.xml
        .replace('<bpmn:outgoing>Flow_Start_AmountTier</bpmn:outgoing>\n    </bpmn:startEvent>',
          '<bpmn:outgoing>Flow_Start_Helper</bpmn:outgoing>\n    </bpmn:startEvent><bpmn:callActivity id="CallActivity_Helper" name="Helper"><bpmn:extensionElements>' +
          '<zeebe:calledElement processId="helper" /></bpmn:extensionElements><bpmn:incoming>Flow_Start_Helper</bpmn:incoming><bpmn:outgoing>Flow_Start_AmountTier</bpmn:outgoing></bpmn:callActivity>' +
          '<bpmn:sequenceFlow id="Flow_Start_Helper" sourceRef="StartEvent_CreditOrderToApprove" targetRef="CallActivity_Helper" />')
        .replace('sourceRef="StartEvent_CreditOrderToApprove" targetRef="Gateway_AmountTier"', 'sourceRef="CallActivity_Helper" targetRef="Gateway_AmountTier"');
      await expect(library.deploy([{ name: approval.name, xml: calling }], { user: 'designer', note: 'call helper' })).rejects.toMatchObject({
        details: { findings: arrayWith([objectWith({ rule: RULE, file: 'leaf-user (deployed)', elementId: null, severity: 'error' })]) },
      });
      expect((await library.get('credit-order-approval'))?.latestVersion).toBe(1);
    } finally {
      await fixture.dispose();
    }
  });

  it('warns, without refusing, of a deployed outsider that called into orders before this deployment, so its fix (or the shipped library at start) still deploys', () => {
    const supply = (key: string, calls: string[], takesOrders = false): ProcessSupply => ({ key, supplies: [], declaresStart: false, calls, takesOrders });
    const library = [supply('order-to-cash', ['sales-order-management'], true), supply('sales-order-management', []), supply('fast-lane', ['sales-order-management'])];
    const [already] = orderEntryFindings([], library, library);
    expect(already).toMatchObject({ file: 'fast-lane (deployed)', severity: 'warning' });
    expect(already.message).toContain('It did before this deployment too: deploy a new version of it that does not (until then the call fails with an incident when reached)');
    // the same call made wrong by this deployment (order-to-cash now calls what fast-lane calls) is refused
    const before = [supply('order-to-cash', [], true), supply('sales-order-management', []), supply('fast-lane', ['sales-order-management'])];
    expect(orderEntryFindings([], library, before)).toEqual([objectWith({ file: 'fast-lane (deployed)', severity: 'error' })]);
  });

  it('refuses the deployment through the library, so no generic start runs an order process on unchecked variables', async () => {
    const fixture = await openFixture();
    try {
      await expect(fixture.stratum.library.deploy([caller('fast-lane', 'sales-order-management')], { user: 'designer', note: 'fast lane' })).rejects.toMatchObject({
        details: { findings: arrayWith([objectWith({ rule: RULE, elementId: 'Call' })]) },
      });
      expect(await fixture.stratum.library.get('fast-lane')).toBeUndefined();
    } finally {
      await fixture.dispose();
    }
  });
});
