// A deployment is linted before it is stored (Library.prepare), so a server can lint outside a write's turn.
// What it stores must still have passed against the library it joins: a deployment that came in between is
// linted against again, never committed past.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StratumError } from '../../../engine/errors.js';
import { LIBRARY_NAMESPACE } from '../../../engine/lint/house-rules.js';
import { openStratum, type Stratum } from '../../../engine/index.js';
import { PostgresStore } from '../../../engine/store/postgres.js';
import { describePostgres, freshSchema, inSchema } from '../../support/postgres.js';
import { ManualClock, openFixture, SAMPLE_RATES, shippedDiagrams, type Fixture } from '../../support/stratum-fixture.js';

const ASSIGNED = '<bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="sales-director"/></bpmn:extensionElements>';

/** A one-task process `review`: in `namespace`, its task offered to `assignment`'s groups (none: unassigned). */
const review = (namespace: string, assignment = '', name = 'Review') => ({
  name: 'review.bpmn',
  xml: `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="${namespace}">
  <bpmn:process id="review" name="${name}" isExecutable="true">
    <bpmn:startEvent id="start" name="Requested"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check"/>
    <bpmn:userTask id="check" name="Check">${assignment}</bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="end"/>
    <bpmn:endEvent id="end" name="Reviewed"/>
  </bpmn:process>
</bpmn:definitions>`,
});

describe('a prepared deployment', () => {
  let fixture: Fixture;
  beforeEach(async () => {
    fixture = await openFixture({ deployShipped: false });
  });
  afterEach(() => fixture.dispose());

  it('lints when prepared and stores nothing until deployed', async () => {
    const { library } = fixture.stratum;
    const prepared = await library.prepare([review('http://other.example')], { user: 'ann' });
    expect(await library.list()).toEqual([]);
    const result = await prepared.deploy();
    expect(result.deployed).toEqual([{ key: 'review', version: 1, changed: true }]);
    expect(result.warnings.map((finding) => finding.rule)).toContain('user-task-candidate-groups');
    expect((await library.get('review'))?.latestVersion).toBe(1);
  });

  it('refuses files with errors when prepared, before anything is stored', async () => {
    const broken = { name: 'broken.bpmn', xml: '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p"><sequenceFlow id="f" sourceRef="a" targetRef="b"/></process></definitions>' };
    const refused = await fixture.stratum.library.prepare([broken], { user: 'ann' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StratumError);
    expect((refused as StratumError).code).toBe('invalid');
    expect(await fixture.stratum.library.list()).toEqual([]);
  });

  it('is linted again when the library moved in between: a foreign file cannot replace a library process that arrived meanwhile', async () => {
    const { library } = fixture.stratum;
    // linted against an empty library: a foreign file, so an unassigned task is only a warning
    const prepared = await library.prepare([review('http://other.example')], { user: 'mallory' });
    // meanwhile the library's own version of `review` is deployed: its house rules now hold for the key
    await library.deploy([review(LIBRARY_NAMESPACE, ASSIGNED)], { user: 'designer' });

    const refused = await prepared.deploy().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StratumError);
    expect((refused as StratumError).code).toBe('invalid');
    expect((refused as StratumError).details?.findings).toContainEqual(expect.objectContaining({ rule: 'user-task-candidate-groups', severity: 'error', elementId: 'check' }));
    const detail = await library.get('review');
    expect(detail?.latestVersion).toBe(1);
    expect(await library.xml('review')).toContain(LIBRARY_NAMESPACE);
  });

  it('deploys on the library it finds when the files still pass against it, numbering after the version that came in between', async () => {
    const { library } = fixture.stratum;
    const prepared = await library.prepare([review(LIBRARY_NAMESPACE, ASSIGNED, 'Review, second')], { user: 'ann' });
    await library.deploy([review(LIBRARY_NAMESPACE, ASSIGNED)], { user: 'bob' });
    const result = await prepared.deploy();
    expect(result.deployed).toEqual([{ key: 'review', version: 2, changed: true }]);
    expect(await library.xml('review')).toContain('Review, second');
  });
});

describePostgres('a prepared deployment on PostgreSQL shared by two server processes', () => {
  let first: Stratum;
  let second: Stratum;
  beforeEach(async () => {
    const schema = await freshSchema();
    const open = async () => {
      const store = new PostgresStore(inSchema(schema));
      await store.migrate();
      return openStratum({ store, clock: new ManualClock(), orderEntry: { rates: SAMPLE_RATES } });
    };
    [first, second] = [await open(), await open()];
    await first.library.deploy(shippedDiagrams(), { user: 'test' });
  });
  afterEach(async () => {
    await first.close();
    await second.close();
  });

  it('is linted again against what the other server deployed in between', async () => {
    const prepared = await first.library.prepare([review('http://other.example')], { user: 'mallory' });
    await second.library.deploy([review(LIBRARY_NAMESPACE, ASSIGNED)], { user: 'designer' });
    const refused = await prepared.deploy().catch((error: unknown) => error);
    expect((refused as StratumError).code).toBe('invalid');
    expect((await first.library.get('review'))?.latestVersion).toBe(1);

    // a library that did not move in between (the shipped one, keys of every collation) deploys at once
    const next = await second.library.prepare([review(LIBRARY_NAMESPACE, ASSIGNED, 'Review, second')], { user: 'ann' });
    expect((await next.deploy()).deployed).toEqual([{ key: 'review', version: 2, changed: true }]);
  });
});
