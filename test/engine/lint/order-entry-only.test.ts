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

/** A level-1 process from another tool that calls nothing: one task. */
const plain = (key: string) => ({
  ...caller(key, 'x'),
  xml: caller(key, 'x').xml.replace(/<bpmn:callActivity[\s\S]*?<\/bpmn:callActivity>/, '<bpmn:task id="Call" name="Work"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:task>'),
});

/** A second order process beside the shipped order-to-cash: it takes orders and calls each of `called` in turn. */
const orderProcess = (key: string, called: string[]) => ({
  name: `${key}.bpmn`,
  xml: `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${key}" isExecutable="true">
    <bpmn:extensionElements><zeebe:properties><zeebe:property name="takesOrders" value="true" /></zeebe:properties></bpmn:extensionElements>
    <bpmn:startEvent id="Start" />
    ${called.map((key, index) => `<bpmn:callActivity id="Call_${index}" name="Run ${key}"><bpmn:extensionElements><zeebe:calledElement processId="${key}" /></bpmn:extensionElements></bpmn:callActivity>`).join('\n    ')}
    <bpmn:endEvent id="End" />
    ${['Start', ...called.map((_, index) => `Call_${index}`), 'End'].slice(1).map((target, index, targets) =>
      `<bpmn:sequenceFlow id="F${index}" sourceRef="${index ? targets[index - 1] : 'Start'}" targetRef="${target}" />`).join('\n    ')}
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
      expect(findings[0].message).toContain(`calls "${called}", which runs inside orders (called, at any depth, from "order-to-cash"), from process "fast-lane", which does not`);
    }
  });

  it('names only the order processes whose orders the called process runs inside, not every order process of the library', async () => {
    // intake takes orders too: it calls intake-check, and the shipped credit approval that order-to-cash reaches as well
    const library = [...shipped, orderProcess('intake', ['intake-check', 'credit-order-approval']), plain('intake-check')];
    const inside = async (called: string) => {
      const findings = await ofRule([...library, caller('fast-lane', called)]);
      expect(findings.map((finding) => [finding.file, finding.elementId, finding.severity]), called).toEqual([['fast-lane.bpmn', 'Call', 'error']]);
      return /which runs inside orders \(called, at any depth, from (.*?)\), from process "fast-lane"/.exec(findings[0].message)?.[1];
    };
    expect(await inside('sales-order-management')).toBe('"order-to-cash"');
    expect(await inside('intake-check')).toBe('"intake"');
    expect(await inside('credit-order-approval')).toBe('"intake", "order-to-cash"');
  });

  it('names at most three order processes above the called one, then counts the others', () => {
    const supply = (key: string, calls: string[], takesOrders = false): ProcessSupply => ({ key, supplies: [], declaresStart: false, calls, takesOrders });
    const entries = ['entry-a', 'entry-b', 'entry-c', 'entry-d', 'entry-e'].map((key) => supply(key, ['shared'], true));
    const library = [...entries, supply('elsewhere', ['own'], true), supply('own', []), supply('shared', []), supply('fast-lane', ['shared'])];
    const [finding] = orderEntryFindings([], library, library);
    expect(finding).toMatchObject({ file: 'fast-lane (deployed)', elementId: null });
    expect(finding.message).toContain('calls "shared", which runs inside orders (called, at any depth, from "entry-a", "entry-b", "entry-c" and 2 more), from process "fast-lane"');
    expect(finding.message).not.toContain('elsewhere');
  });

  it('refuses a deployment that puts a process a deployed outsider calls inside orders, naming the deployed caller', async () => {
    const fixture = await openFixture();
    try {
      const library = fixture.stratum.library;
      await library.deploy([caller('helper', 'leaf'), caller('leaf-user', 'helper'), plain('leaf')], { user: 'designer', note: 'helpers' });
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

  it('refuses a version of the order process that no longer takes orders: order entry would stop and the process could be started directly', async () => {
    const fixture = await openFixture();
    try {
      const { library, runtime } = fixture.stratum;
      const otc = shipped.find((file) => file.name === 'order-to-cash.bpmn')!;
      const dropped = otc.xml.replace('<zeebe:property name="takesOrders" value="true" />', '');
      expect(dropped, 'the edit applies').not.toBe(otc.xml);
      const refused = await library.deploy([{ name: otc.name, xml: dropped }], { user: 'designer', note: 'plain process' }).catch((error: unknown) => error);
      expect(refused).toMatchObject({
        code: 'invalid',
        details: { findings: [objectWith({ rule: RULE, file: 'order-to-cash.bpmn', elementId: 'order-to-cash', severity: 'error' })] },
      });
      expect((refused as { details: { findings: { message: string }[] } }).details.findings[0].message).toContain('Process "order-to-cash" takes orders (its deployed version declares takesOrders), and this version does not: order entry would refuse every order for it');
      expect((await library.get('order-to-cash'))?.latestVersion).toBe(1);
      expect((await runtime.orderEntryStatus()).ready).toBe(true);
      await expect(runtime.start('order-to-cash', { businessKey: 'X-1', variables: {} })).rejects.toMatchObject({ details: { reason: 'takes-orders' } });
      // a new process may leave it out, and one that takes orders may keep it
      expect(await ofRule([{ name: otc.name, xml: dropped }])).toEqual([]);
      expect((await library.deploy([{ name: otc.name, xml: otc.xml.replace('name="Order to cash"', 'name="Order to cash, renamed"') }], { user: 'designer', note: 'rename' })).deployed)
        .toEqual([{ key: 'order-to-cash', version: 2, changed: true }]);
    } finally {
      await fixture.dispose();
    }
  });
});
