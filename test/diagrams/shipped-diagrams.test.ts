// The shipped order library in diagrams/: every file must deploy cleanly, be
// drawn so a person can read it, and encode the business rules of DESIGN.md
// ("Conditions and rules") exactly, with the names the outside world relies on.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModdleElement } from 'bpmn-moddle';
import bpmnlint, { type LinterOptions } from 'bpmnlint';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBpmn, type ParsedBpmn } from '../../engine/bpmn/moddle.js';
import { compileProcessModels, extensionValues, type ProcessModel } from '../../engine/bpmn/process-model.js';
import { checkFeelSyntax, evaluateFeelCondition, feelBody, isFeel } from '../../engine/feel/feel-expression.js';
import { anyText } from '../support/matchers.js';

const require = createRequire(import.meta.url);
const { Linter } = bpmnlint;
// bpmnlint's resolver of rules and configs installed as npm packages (CommonJS, no declarations)
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver') as new () => LinterOptions['resolver'];

const DIAGRAMS = fileURLToPath(new URL('../../diagrams/', import.meta.url));
const FILES = readdirSync(DIAGRAMS).filter((file) => file.endsWith('.bpmn')).sort();

const LEVEL_3 = ['credit-order-approval', 'prepaid-entry-control', 'prepaid-shipment-control', 'special-change-notification'];
const EXPECTED_CALLS: Record<string, string[]> = {
  'order-to-cash': ['sales-order-management'],
  'sales-order-management': ['special-change-notification', 'credit-order-approval', 'prepaid-entry-control', 'prepaid-shipment-control'],
  ...Object.fromEntries(LEVEL_3.map((key) => [key, []])),
};

interface Loaded {
  file: string;
  xml: string;
  parsed: ParsedBpmn;
  process: ModdleElement;
  model: ProcessModel;
}

const library = new Map<string, Loaded>();

beforeAll(async () => {
  for (const file of FILES) {
    const xml = readFileSync(join(DIAGRAMS, file), 'utf8');
    const parsed = await parseBpmn(xml);
    const processes = parsed.definitions.rootElements!.filter((element) => element.$type === 'bpmn:Process');
    const model = compileProcessModels(parsed.definitions)[0];
    library.set(basename(file, '.bpmn'), { file, xml, parsed, process: processes[0], model });
  }
});

function loaded(key: string): Loaded {
  const entry = library.get(key);
  if (!entry) throw new Error(`diagrams/${key}.bpmn is missing`);
  return entry;
}

type Bounds = NonNullable<ModdleElement['bounds']>;
type Point = NonNullable<ModdleElement['waypoint']>[number];

const flowNodes = (process: ModdleElement): ModdleElement[] => process.flowElements!.filter((e) => e.$type !== 'bpmn:SequenceFlow');
const sequenceFlows = (process: ModdleElement): ModdleElement[] => process.flowElements!.filter((e) => e.$type === 'bpmn:SequenceFlow');
const element = (key: string, id: string): ModdleElement => {
  const found = loaded(key).process.flowElements!.find((e) => e.id === id);
  if (!found) throw new Error(`${key} has no element ${id}`);
  return found;
};
/** The first flow node of the process that `test` accepts; there being none is an error. */
const flowNode = (process: ModdleElement, test: (node: ModdleElement) => boolean): ModdleElement => {
  const found = flowNodes(process).find(test);
  if (!found) throw new Error(`${process.id} has no such flow node`);
  return found;
};

function diagramElements(parsed: ParsedBpmn): ModdleElement[] {
  return parsed.definitions.diagrams!.flatMap((diagram) => diagram.plane!.planeElement ?? []);
}

/**
 * Where an exclusive gateway sends a token, the way the runtime decides: the
 * first conditional flow (document order) whose FEEL condition is true, else
 * the default flow. Strict: a condition reading a missing variable throws.
 */
function route(key: string, gatewayId: string, variables: Record<string, unknown>): string {
  const gateway = element(key, gatewayId);
  for (const flow of gateway.outgoing!) {
    if (flow === gateway.default) continue;
    if (evaluateFeelCondition(feelBody(flow.conditionExpression!.body!), variables)) return flow.targetRef!.id;
  }
  if (!gateway.default) throw new Error(`${gatewayId} has no default flow and no condition was true`);
  return gateway.default.targetRef!.id;
}

/** The single element a flow node leads to through unconditional flows. */
function next(key: string, id: string): string {
  const outgoing = element(key, id).outgoing;
  expect(outgoing, `${id} should have one outgoing flow`).toHaveLength(1);
  return outgoing![0].targetRef!.id;
}

function outputsOf(node: ModdleElement): Record<string, string> {
  const mapping = extensionValues(node, 'zeebe:IoMapping')[0];
  return Object.fromEntries((mapping?.outputParameters ?? []).map((output) => [output.target!, output.source!]));
}

function outcomeOf(node: ModdleElement): string | undefined {
  const properties = extensionValues(node, 'zeebe:Properties')[0];
  return properties?.properties?.find((property) => property.name === 'outcome')?.value;
}

// In the reporting currency, as order entry converts it: the tiers compare reportingAmount.
const ORDER = {
  orderNo: 'SO-1001',
  customer: { name: 'Acme Corp' },
  amount: 250_000,
  currency: 'CNY',
  paymentTerms: 'credit',
  specialChange: null,
  reportingAmount: 250_000,
  reportingCurrency: 'CNY',
  exchangeRate: 1,
  rateDate: '2026-01-02',
};

describe('the shipped order library', () => {
  it('holds exactly the six processes of the order library', () => {
    expect(FILES).toEqual([
      'credit-order-approval.bpmn',
      'order-to-cash.bpmn',
      'prepaid-entry-control.bpmn',
      'prepaid-shipment-control.bpmn',
      'sales-order-management.bpmn',
      'special-change-notification.bpmn',
    ]);
  });

  it('forms the call graph order-to-cash → sales-order-management → the four level-3 processes', () => {
    const calls = Object.fromEntries([...library].map(([key, entry]) => [key, [...entry.model.calls].sort()]));
    const expected = Object.fromEntries(Object.entries(EXPECTED_CALLS).map(([key, keys]) => [key, [...keys].sort()]));
    expect(calls).toEqual(expected);
    const calledBySomeone = new Set(Object.values(calls).flat());
    expect(Object.keys(calls).filter((key) => !calledBySomeone.has(key))).toEqual(['order-to-cash']);
  });

  it('propagates all child variables from every call activity, or only declared outputs, named only with zeebe:calledElement', () => {
    for (const { process, xml, file, model } of library.values()) {
      for (const node of flowNodes(process).filter((n) => n.$type === 'bpmn:CallActivity')) {
        const called = extensionValues(node, 'zeebe:CalledElement')[0];
        expect(called?.processId, `${file} ${node.id}`).toBeTruthy();
        // a call that hands back only its outputs declares them (the re-approval of a changed amount)
        if (called.propagateAllChildVariables === false) expect(model.elements.get(node.id)?.outputs?.length, `${file} ${node.id}`).toBeGreaterThan(0);
        else expect(called.propagateAllChildVariables, `${file} ${node.id}`).toBe(true);
      }
      expect(xml, file).not.toMatch(/<bpmn:callActivity[^>]*\scalledElement=/);
    }
  });
});

describe.each(FILES)('%s', (file) => {
  const key = basename(file, '.bpmn');

  it('parses as Camunda 8 BPMN without a single warning', () => {
    const { parsed, xml } = loaded(key);
    expect(parsed.warnings).toEqual([]);
    expect(parsed.flavour).toBe('zeebe');
    expect(xml).toContain('modeler:executionPlatform="Camunda Cloud"');
    expect(xml).toContain('modeler:executionPlatformVersion="8.6.0"');
  });

  it('holds one executable process whose id is the file name, documented in business language', () => {
    const { parsed, model } = loaded(key);
    const processes = parsed.definitions.rootElements!.filter((e) => e.$type === 'bpmn:Process');
    expect(processes.map((p) => p.id)).toEqual([key]);
    expect(model.isExecutable).toBe(true);
    expect(processes[0].isExecutable).toBe(true);
    expect(model.name).toBeTruthy();
    expect(model.documentation?.length ?? 0).toBeGreaterThan(80);
  });

  it('names every flow node', () => {
    const unnamed = flowNodes(loaded(key).process).filter((node) => !node.name?.trim()).map((node) => node.id);
    expect(unnamed).toEqual([]);
  });

  it('draws every flow node and every sequence flow, with labels for events and gateways', () => {
    const { parsed, process } = loaded(key);
    const drawn = diagramElements(parsed);
    const shapeOf = new Map(drawn.filter((d) => d.$type === 'bpmndi:BPMNShape').map((d) => [d.bpmnElement!.id, d] as const));
    const edgeOf = new Map(drawn.filter((d) => d.$type === 'bpmndi:BPMNEdge').map((d) => [d.bpmnElement!.id, d] as const));
    for (const node of flowNodes(process)) {
      const shape = shapeOf.get(node.id);
      expect(shape, `shape of ${node.id}`).toBeDefined();
      if (/Event$|Gateway$/.test(node.$type)) expect(shape?.label?.bounds, `label of ${node.id}`).toBeDefined();
    }
    for (const flow of sequenceFlows(process)) {
      const edge = edgeOf.get(flow.id);
      expect(edge, `edge of ${flow.id}`).toBeDefined();
      expect(edge?.waypoint?.length, `waypoints of ${flow.id}`).toBeGreaterThanOrEqual(2);
      if (flow.name) expect(edge?.label?.bounds, `label of ${flow.id}`).toBeDefined();
    }
  });

  it('is laid out left to right with orthogonal edges from shape to shape and no overlapping shapes', () => {
    const { parsed, process } = loaded(key);
    const drawn = diagramElements(parsed);
    const bounds = new Map<string, Bounds>(
      drawn.filter((d) => d.$type === 'bpmndi:BPMNShape').map((d) => [d.bpmnElement!.id, d.bounds!] as const),
    );
    const boundsOf = (id: string): Bounds => {
      const found = bounds.get(id);
      if (!found) throw new Error(`${id} has no shape`);
      return found;
    };
    const onBorder = (point: Point, b: Bounds) =>
      point.x >= b.x && point.x <= b.x + b.width && point.y >= b.y && point.y <= b.y + b.height &&
      (point.x === b.x || point.x === b.x + b.width || point.y === b.y || point.y === b.y + b.height ||
        // a gateway is a diamond: its corners are the middles of its bounds' sides
        point.x === b.x + b.width / 2 || point.y === b.y + b.height / 2);

    for (const flow of sequenceFlows(process)) {
      const points = drawn.find((d) => d.bpmnElement === flow)?.waypoint;
      if (!points) throw new Error(`${flow.id} has no edge`);
      const last = points[points.length - 1];
      for (let i = 1; i < points.length; i++) {
        const orthogonal = points[i].x === points[i - 1].x || points[i].y === points[i - 1].y;
        expect(orthogonal, `${flow.id} segment ${i}`).toBe(true);
      }
      const source = boundsOf(flow.sourceRef!.id);
      const target = boundsOf(flow.targetRef!.id);
      expect(onBorder(points[0], source), `${flow.id} starts at its source`).toBe(true);
      expect(onBorder(last, target), `${flow.id} ends at its target`).toBe(true);
      // the one way back: a loop returns below the row to the gateway that opens it (the order-change loop)
      const loopsBack = flow.targetRef!.$type === 'bpmn:ExclusiveGateway' && last.y === target.y + target.height;
      if (!loopsBack) expect(target.x, `${flow.id} runs left to right`).toBeGreaterThan(source.x);
    }

    const boxes = [...bounds.entries()];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [idA, a] = boxes[i];
        const [idB, b] = boxes[j];
        const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
        expect(overlap, `${idA} overlaps ${idB}`).toBe(false);
      }
    }
  });

  it('writes every condition and output mapping as valid FEEL, never JavaScript', () => {
    const { process, xml } = loaded(key);
    expect(xml).not.toMatch(/language="javascript"|scriptTask|\$\{/i);
    for (const flow of sequenceFlows(process).filter((f) => f.conditionExpression)) {
      const text = flow.conditionExpression!.body;
      expect(isFeel(text), `${flow.id}: ${text}`).toBe(true);
      expect(checkFeelSyntax(feelBody(text!)), `${flow.id}: ${text}`).toEqual({ ok: true });
    }
    for (const node of flowNodes(process)) {
      for (const [target, source] of Object.entries(outputsOf(node))) {
        expect(isFeel(source), `${node.id} → ${target}`).toBe(true);
        expect(checkFeelSyntax(feelBody(source)), `${node.id} → ${target}`).toEqual({ ok: true });
      }
    }
  });

  it('gives every exclusive gateway with conditions a default flow without a condition', () => {
    for (const gateway of flowNodes(loaded(key).process).filter((n) => n.$type === 'bpmn:ExclusiveGateway')) {
      const conditional = gateway.outgoing!.filter((flow) => flow.conditionExpression);
      if (!conditional.length) continue;
      expect(gateway.default, `default flow of ${gateway.id}`).toBeDefined();
      expect(gateway.outgoing).toContain(gateway.default);
      expect(gateway.default?.conditionExpression, `${gateway.default?.id} is a default flow`).toBeUndefined();
      // a forking gateway names every way out, so the reader sees each case
      for (const flow of gateway.outgoing!) expect(flow.name, `name of ${flow.id}`).toBeTruthy();
    }
  });

  it('passes bpmnlint:recommended without a finding', async () => {
    const linter = new Linter({ config: { extends: 'bpmnlint:recommended' }, resolver: new NodeResolver() });
    const results = await linter.lint(loaded(key).parsed.definitions);
    const findings = Object.entries(results).flatMap(([rule, reports]) =>
      reports.map((report) => `${rule}: ${report.id} ${report.message}`),
    );
    expect(findings).toEqual([]);
  });
});

describe('order-to-cash (level 1)', () => {
  const key = 'order-to-cash';

  it('runs every order through sales order management', () => {
    const start = flowNode(loaded(key).process, (n) => n.$type === 'bpmn:StartEvent');
    expect(start.name).toBe('Order received');
    const manage = element(key, next(key, start.id));
    expect(manage.name).toBe('Manage sales order');
    expect(loaded(key).model.elements.get(manage.id)?.calledProcess).toBe('sales-order-management');
  });

  it('ends an order rejected in sales order management as rejected, any other as closed', () => {
    const gateway = 'Gateway_OrderRejected';
    const rejectedEnd = element(key, route(key, gateway, { ...ORDER, orderStatus: 'rejected' }));
    expect(rejectedEnd.name).toBe('Order rejected');
    expect(outcomeOf(rejectedEnd)).toBe('rejected');
    const closedEnd = element(key, route(key, gateway, { ...ORDER, orderStatus: 'fulfilled' }));
    expect(closedEnd.name).toBe('Order closed');
    expect(outcomeOf(closedEnd)).toBeUndefined();
  });

  it('takes orders, and its start event declares the order fields and the converted amount as its start variables', () => {
    const { model } = loaded(key);
    expect(model.takesOrders).toBe(true);
    const outputs = model.elements.get(model.noneStartEventId!)?.outputs ?? [];
    expect(outputs.map(({ source, target }) => `${source}→${target}`)).toEqual(
      ['orderNo', 'customer', 'amount', 'currency', 'paymentTerms', 'specialChange', 'reportingAmount', 'reportingCurrency', 'exchangeRate', 'rateDate']
        .map((name) => `=${name}→${name}`),
    );
  });

  it('is the only process of the library that takes orders', () => {
    expect(FILES.map((file) => file.replace('.bpmn', '')).filter((name) => loaded(name).model.takesOrders)).toEqual([key]);
  });
});

describe('sales-order-management (level 2)', () => {
  const key = 'sales-order-management';
  const callTo = (id: string) => loaded(key).model.elements.get(id)?.calledProcess;

  it('runs the special-change notification only for an order flagged with a special change', () => {
    const flagged = route(key, 'Gateway_SpecialChangeRequested', { ...ORDER, specialChange: { description: 'RAL 5015 paint' } });
    expect(callTo(flagged)).toBe('special-change-notification');
    const plain = route(key, 'Gateway_SpecialChangeRequested', ORDER);
    expect(element(key, plain).$type).toBe('bpmn:ExclusiveGateway');
    expect(next(key, flagged)).toBe(plain);
  });

  it('controls prepaid orders by payment and exempts them from multi-level approval, whatever the amount', () => {
    const bigAmount = 50_000_000;
    expect(callTo(route(key, 'Gateway_PaymentTerms', { ...ORDER, amount: bigAmount, paymentTerms: 'prepaid-at-entry' }))).toBe(
      'prepaid-entry-control',
    );
    expect(callTo(route(key, 'Gateway_PaymentTerms', { ...ORDER, amount: bigAmount, paymentTerms: 'prepaid-at-shipment' }))).toBe(
      'prepaid-shipment-control',
    );
  });

  it('sends credit orders, and orders with unknown payment terms, through credit approval', () => {
    expect(callTo(route(key, 'Gateway_PaymentTerms', ORDER))).toBe('credit-order-approval');
    expect(callTo(route(key, 'Gateway_PaymentTerms', { ...ORDER, paymentTerms: 'cash-on-delivery' }))).toBe('credit-order-approval');
  });

  it('has a prepaid order that a change raises above every amount in force paid again before the change is in force', () => {
    const change = (paymentTerms: string, changeReportingAmount: number) =>
      ({ ...ORDER, paymentTerms, changeReportingAmount, approvedReportingAmount: 80_000, reportingAmount: 80_000 });
    for (const terms of ['prepaid-at-entry', 'prepaid-at-shipment']) {
      // never approved: a prepaid order is exempt from approval whatever the amount
      const notApproved = route(key, 'Gateway_ApprovalTierRaised', change(terms, 5_000_000));
      expect(notApproved).toBe('Gateway_PrepaidAmountRaised');
      const payment = loaded(key).model.elements.get(route(key, notApproved, change(terms, 5_000_000)));
      expect(payment?.message?.name, terms).toBe('PaymentReceived');
      expect(loaded(key).model.elements.get(next(key, payment!.id))?.orderChange).toBe('accepted');
      for (const amount of [80_000, 40_000]) {
        const inForce = loaded(key).model.elements.get(route(key, notApproved, change(terms, amount)));
        expect(inForce?.orderChange, `${terms}, ${amount}`).toBe('accepted');
      }
    }
    // a credit order pays on credit: a raise within its tier comes into force at once
    const credit = route(key, 'Gateway_PrepaidAmountRaised', change('credit', 400_000));
    expect(loaded(key).model.elements.get(credit)?.orderChange).toBe('accepted');
  });

  it('releases an approved credit order to procurement and production planning, then ships it', () => {
    const release = element(key, route(key, 'Gateway_Approved', { ...ORDER, approved: true }));
    expect(release.$type).toBe('bpmn:ParallelGateway');
    const jobs = release.outgoing!.map((flow) => loaded(key).model.elements.get(flow.targetRef!.id)?.jobType).sort();
    expect(jobs).toEqual(['procurement-planning', 'production-planning']);
    const join = next(key, release.outgoing![0].targetRef!.id);
    expect(element(key, join).$type).toBe('bpmn:ParallelGateway');
    expect(loaded(key).model.elements.get(next(key, join))?.jobType).toBe('shipping');
  });

  it('ends a credit order that was not approved as rejected', () => {
    const end = element(key, route(key, 'Gateway_Approved', { ...ORDER, approved: false }));
    expect(end.$type).toBe('bpmn:EndEvent');
    expect(outcomeOf(end)).toBe('rejected');
    expect(outputsOf(end)).toEqual({ orderStatus: '="rejected"' });
  });

  it('sets orderStatus on every end, "rejected" only where the order is rejected', () => {
    const ends = flowNodes(loaded(key).process).filter((n) => n.$type === 'bpmn:EndEvent');
    expect(ends.length).toBeGreaterThanOrEqual(2);
    for (const end of ends) {
      const expected = outcomeOf(end) === 'rejected' ? '="rejected"' : '="fulfilled"';
      expect(outputsOf(end), end.id).toEqual({ orderStatus: expected });
      expect(end.name).toBe(outcomeOf(end) === 'rejected' ? 'Order rejected' : 'Order fulfilled');
    }
  });

  it('reads only variables the order intake always sets before the approval decision', () => {
    const intake = { ...ORDER };
    for (const terms of ['credit', 'prepaid-at-entry', 'prepaid-at-shipment']) {
      for (const specialChange of [null, { description: 'extra inspection' }]) {
        expect(() => route(key, 'Gateway_SpecialChangeRequested', { ...intake, specialChange })).not.toThrow();
        expect(() => route(key, 'Gateway_PaymentTerms', { ...intake, paymentTerms: terms, specialChange })).not.toThrow();
      }
    }
  });
});

describe('credit-order-approval (level 3)', () => {
  const key = 'credit-order-approval';
  const tier = (amount: number) => route(key, 'Gateway_AmountTier', { ...ORDER, amount, reportingAmount: amount });
  const groupsOf = (id: string) => loaded(key).model.elements.get(id)?.candidateGroups;
  const vicePresidentTask = 'UserTask_ReviewByVicePresident';

  it('compares the amount converted into the reporting currency, never the amount in the order currency', () => {
    const tierFlows = flowNodes(loaded(key).process).filter((n) => n.id === 'Gateway_AmountTier').flatMap((gateway) => gateway.outgoing ?? []);
    const bodies = tierFlows.map((flow) => flow.conditionExpression?.body).filter((body): body is string => Boolean(body));
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) expect(body, body).toMatch(/^=reportingAmount > \d+( and reportingAmount <= \d+)?$/);
  });

  it('approves a credit order of up to 500,000 automatically', () => {
    for (const amount of [0, 499_999.99, 500_000]) {
      const throwEvent = element(key, tier(amount));
      expect(throwEvent.$type, `amount ${amount}`).toBe('bpmn:IntermediateThrowEvent');
      expect(throwEvent.eventDefinitions ?? []).toEqual([]);
      expect(outputsOf(throwEvent)).toEqual({ approved: '=true' });
      const end = element(key, next(key, throwEvent.id));
      expect(end.name).toBe('Approved');
      expect(outcomeOf(end)).toBeUndefined();
    }
  });

  it('routes a credit order of more than 500,000 up to 1,000,000 to vice-president review', () => {
    for (const amount of [500_000.01, 750_000, 1_000_000]) {
      const merge = tier(amount);
      expect(next(key, merge), `amount ${amount}`).toBe(vicePresidentTask);
    }
    expect(groupsOf(vicePresidentTask)).toEqual(['vice-president']);
  });

  it('routes a 1,000,000.01 credit order to the sales director, then to vice-president review', () => {
    const directorTask = tier(1_000_000.01);
    expect(groupsOf(directorTask)).toEqual(['sales-director']);
    expect(tier(25_000_000)).toBe(directorTask);
    const decision = next(key, directorTask);
    expect(next(key, route(key, decision, { ...ORDER, amount: 1_000_000.01, reportingAmount: 1_000_000.01, directorApproved: true }))).toBe(vicePresidentTask);
  });

  it('rejects the order when the sales director rejects it', () => {
    const decision = next(key, tier(2_000_000));
    const end = element(key, route(key, decision, { ...ORDER, amount: 2_000_000, reportingAmount: 2_000_000, directorApproved: false }));
    expect(end.name).toBe('Rejected by sales director');
    expect(outcomeOf(end)).toBe('rejected');
    expect(outputsOf(end)).toEqual({ approved: '=false' });
  });

  it('approves or rejects the order as the vice-president decides', () => {
    const decision = next(key, vicePresidentTask);
    const approvedEnd = element(key, route(key, decision, { ...ORDER, amount: 800_000, reportingAmount: 800_000, vicePresidentApproved: true }));
    expect(approvedEnd.name).toBe('Approved');
    expect(outcomeOf(approvedEnd)).toBeUndefined();
    expect(outputsOf(approvedEnd)).toEqual({ approved: '=true' });
    const rejectedEnd = element(key, route(key, decision, { ...ORDER, amount: 800_000, reportingAmount: 800_000, vicePresidentApproved: false }));
    expect(rejectedEnd.name).toBe('Rejected by vice-president');
    expect(outcomeOf(rejectedEnd)).toBe('rejected');
    expect(outputsOf(rejectedEnd)).toEqual({ approved: '=false' });
  });

  it('gives approval tasks only to the sales director and vice-president groups', () => {
    const groups = flowNodes(loaded(key).process)
      .filter((n) => n.$type === 'bpmn:UserTask')
      .map((n) => groupsOf(n.id)!.join(','))
      .sort();
    expect(groups).toEqual(['sales-director', 'vice-president']);
  });
});

describe('prepaid-entry-control (level 3)', () => {
  const key = 'prepaid-entry-control';

  it('does not release the order to planning until PaymentReceived for the order number arrives', () => {
    const start = flowNode(loaded(key).process, (n) => n.$type === 'bpmn:StartEvent');
    const payment = loaded(key).model.elements.get(next(key, start.id));
    expect(payment?.type).toBe('bpmn:IntermediateCatchEvent');
    expect(payment?.message).toEqual({ id: anyText(), name: 'PaymentReceived', correlationKey: '=orderNo' });
    const release = element(key, next(key, payment!.id));
    expect(release.$type).toBe('bpmn:ParallelGateway');
    const jobs = release.outgoing!.map((flow) => loaded(key).model.elements.get(flow.targetRef!.id)?.jobType).sort();
    expect(jobs).toEqual(['procurement-planning', 'production-planning']);
  });

  it('ships the order once both plans are done', () => {
    const join = flowNode(loaded(key).process, (n) => n.$type === 'bpmn:ParallelGateway' && n.incoming?.length === 2);
    const ship = loaded(key).model.elements.get(next(key, join.id));
    expect(ship?.jobType).toBe('shipping');
    expect(element(key, next(key, ship!.id)).$type).toBe('bpmn:EndEvent');
  });
});

describe('prepaid-shipment-control (level 3)', () => {
  const key = 'prepaid-shipment-control';

  it('releases the order to planning at once and ships only when ShipmentRequested and PaymentReceived have both arrived', () => {
    const { model, process } = loaded(key);
    const start = flowNode(process, (n) => n.$type === 'bpmn:StartEvent');
    const release = element(key, next(key, start.id));
    expect(release.$type).toBe('bpmn:ParallelGateway');

    const branches = release.outgoing!.map((flow) => model.elements.get(flow.targetRef!.id)!);
    expect(branches.filter((b) => b.jobType).map((b) => b.jobType).sort()).toEqual([
      'procurement-planning',
      'production-planning',
    ]);
    expect(branches.filter((b) => b.message).map((b) => [b.message!.name, b.message!.correlationKey]).sort()).toEqual([
      ['PaymentReceived', '=orderNo'],
      ['ShipmentRequested', '=orderNo'],
    ]);

    const joins = new Set<string>(branches.map((branch) => next(key, branch.id)));
    expect(joins.size).toBe(1);
    const [join] = [...joins];
    expect(element(key, join).$type).toBe('bpmn:ParallelGateway');
    expect(element(key, join).incoming).toHaveLength(4);
    expect(model.elements.get(next(key, join))?.jobType).toBe('shipping');
  });
});

describe('special-change-notification (level 3)', () => {
  const key = 'special-change-notification';

  it('has procurement, production and inspection each acknowledge the change before the order goes on', () => {
    const { model, process } = loaded(key);
    const start = flowNode(process, (n) => n.$type === 'bpmn:StartEvent');
    const split = element(key, next(key, start.id));
    expect(split.$type).toBe('bpmn:ParallelGateway');
    // each branch: a merge (first notification, or handed out again) before the task, so no task has two incoming flows
    const merges = split.outgoing!.map((flow) => element(key, flow.targetRef!.id));
    expect(merges.map((merge) => [merge.$type, merge.incoming!.length])).toEqual(Array(3).fill(['bpmn:ExclusiveGateway', 2]));
    const tasks = merges.map((merge) => model.elements.get(next(key, merge.id))!);
    expect(tasks.map((t) => t.type)).toEqual(['bpmn:UserTask', 'bpmn:UserTask', 'bpmn:UserTask']);
    expect(tasks.map((t) => [t.name, t.candidateGroups])).toEqual([
      ['Acknowledge special change (procurement)', ['procurement']],
      ['Acknowledge special change (production)', ['production']],
      ['Acknowledge special change (inspection)', ['inspection']],
    ]);
    const joins = new Set<string>();
    for (const [index, task] of tasks.entries()) {
      const department = (task.candidateGroups ?? [])[0];
      const acknowledged = `${department}Acknowledged`;
      expect(task.outputs).toEqual([
        { source: '=acknowledged', target: acknowledged }, { source: '=comment', target: `${department}AcknowledgementComment` },
      ]);
      const decision = next(key, task.id);
      expect(element(key, decision).$type).toBe('bpmn:ExclusiveGateway');
      // an explicit false hands the task out again; a missing acknowledged (completed with {}) is null and goes on
      expect(route(key, decision, { [acknowledged]: false })).toBe(merges[index].id);
      expect(route(key, decision, { [acknowledged]: true })).toBe(route(key, decision, { [acknowledged]: null }));
      joins.add(route(key, decision, { [acknowledged]: true }));
    }
    expect(joins.size).toBe(1);
    const [join] = [...joins];
    expect(element(key, join).$type).toBe('bpmn:ParallelGateway');
    expect(element(key, join).incoming).toHaveLength(3);
    expect(element(key, next(key, join)).$type).toBe('bpmn:EndEvent');
  });

  it('offers the acknowledgement tasks a form whose acknowledged is a required yes/no choice, not free text', () => {
    const { model } = loaded(key);
    for (const id of ['UserTask_AcknowledgeProcurement', 'UserTask_AcknowledgeProduction', 'UserTask_AcknowledgeInspection']) {
      const form = model.elements.get(id)!.form;
      expect(form?.kind, id).toBe('embedded');
      const components = (form as { schema: { components: Array<Record<string, unknown>> } }).schema.components;
      expect(components.find((component) => component.key === 'acknowledged')).toMatchObject({
        type: 'radio', validate: { required: true }, values: [{ value: true }, { value: false }],
      });
    }
  });
});

describe('names the outside world relies on', () => {
  it('uses exactly the shipped message names, job types and candidate groups', () => {
    const messages = new Set<string>();
    const jobTypes = new Set<string>();
    const groups = new Set<string>();
    for (const { model } of library.values()) {
      for (const info of model.elements.values()) {
        if (info.message) {
          messages.add(info.message.name);
          expect(info.message.correlationKey, info.id).toBe('=orderNo');
        }
        if (info.jobType) jobTypes.add(info.jobType);
        for (const group of info.candidateGroups ?? []) groups.add(group);
        if (info.type === 'bpmn:UserTask') expect(info.candidateGroups?.length, info.id).toBeGreaterThan(0);
        if (info.type === 'bpmn:ServiceTask') expect(info.jobType, info.id).toBeTruthy();
      }
    }
    expect([...messages].sort()).toEqual(['OrderChanged', 'PaymentReceived', 'ShipmentRequested']);
    expect([...jobTypes].sort()).toEqual(['procurement-planning', 'production-planning', 'shipping']);
    expect([...groups].sort()).toEqual(['inspection', 'procurement', 'production', 'sales-director', 'vice-president']);
  });

  it('decides approvals with the boolean approved, declared as each approval task\'s own output and read by its gateway', () => {
    const key = 'credit-order-approval';
    const { model } = loaded(key);
    expect(model.elements.get('UserTask_ApproveBySalesDirector')!.outputs).toEqual([
      { source: '=approved', target: 'directorApproved' }, { source: '=comment', target: 'directorComment' },
    ]);
    expect(model.elements.get('UserTask_ReviewByVicePresident')!.outputs).toEqual([
      { source: '=approved', target: 'vicePresidentApproved' }, { source: '=comment', target: 'vicePresidentComment' },
    ]);
    const conditions = sequenceFlows(loaded(key).process)
      .map((flow) => flow.conditionExpression?.body)
      .filter((body): body is string => body !== undefined && /pproved/.test(body));
    expect(conditions).toEqual(['=directorApproved', '=vicePresidentApproved']);
    expect(() => evaluateFeelCondition('vicePresidentApproved', { vicePresidentApproved: 'yes' })).toThrow();
    expect(() => evaluateFeelCondition('vicePresidentApproved', { vicePresidentApproved: null })).toThrow();
  });

  it('separates the two approval tasks of credit-order-approval (four eyes)', () => {
    expect(loaded('credit-order-approval').model.separatedTasks).toEqual(['UserTask_ApproveBySalesDirector', 'UserTask_ReviewByVicePresident']);
  });
});
