// .dmn files deploy beside .bpmn: versioned per decision id, served back byte
// for byte, checked against the business rule tasks that call them, and handed
// to every step, so a business rule task runs its deployed decision.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lintFiles } from '../../../engine/lint/lint-bpmn.js';
import { openFixture, type Fixture } from '../../support/stratum-fixture.js';
import { anyText, objectWith, textContaining } from '../../support/matchers.js';
import { refusalOf } from '../../support/refusal.js';

const read = (path: string) => readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8');
const DISH_BPMN = { name: 'dish-camunda8.bpmn', xml: read('engine/dish-camunda8.bpmn') };
const DISH_DMN = { name: 'unique-dish.dmn', xml: read('dmn/unique-dish.dmn') };
const cook = { name: 'kim', groups: ['kitchen'] };

let fixture: Fixture;
beforeEach(async () => { fixture = await openFixture({ deployShipped: false }); });
afterEach(async () => { await fixture?.dispose(); });

const library = () => fixture.stratum.library;
const runtime = () => fixture.stratum.runtime;

describe('deploying .dmn files beside .bpmn', () => {
  it('drives a business rule task through its deployed decision to the end', async () => {
    const result = await library().deploy([DISH_BPMN, DISH_DMN], { user: 'designer', note: 'dish rules' });
    expect(result.deployed).toEqual([{ key: 'dish-c8', version: 1, changed: true }]);
    expect(result.decisions).toEqual([{ id: 'dish', version: 1, changed: true }]);

    const { instance } = await runtime().start('dish-c8', { variables: { season: 'Fall', guestCount: 4 } });
    expect(instance.variables.dish).toBe('Spareribs');
    const [task] = await runtime().findTasks({ instanceId: instance.id });
    expect(task?.elementId).toBe('Cook');
    const done = await runtime().completeTask(task.id, {}, cook);
    expect(done.status).toBe('completed');
    expect(done.history.some((entry) => entry.event === 'element.completed' && entry.elementId === 'Decide')).toBe(true);
  });

  it('turns two matching rules under UNIQUE into an incident naming the decision and the inputs', async () => {
    await library().deploy([DISH_BPMN, DISH_DMN], { user: 'designer' });
    const { instance } = await runtime().start('dish-c8', { variables: { season: 'Winter', guestCount: 8 } });
    expect(instance.status).toBe('failed');
    const [incident] = (await runtime().findIncidents({ processKey: 'dish-c8' })).items.filter((item) => item.instanceId === instance.id);
    expect(incident).toMatchObject({
      elementId: 'Decide',
      message: 'decision "Dish" (dish): rules winter-few, winter-or-spring-overlap all match, but hit policy UNIQUE allows one for season = "Winter", guestCount = 8',
    });
  });

  it('versions each decision on its own, serves its file byte for byte and runs the latest version', async () => {
    const crlf = DISH_DMN.xml.replace(/\n/g, '\r\n');
    await library().deploy([{ ...DISH_DMN, xml: crlf }], { user: 'designer', note: 'rules first' });
    expect((await library().deploy([{ ...DISH_DMN, xml: crlf }], { user: 'designer' })).decisions).toEqual([{ id: 'dish', version: 1, changed: false }]);
    // a process deployed later may call the decision already deployed
    await library().deploy([DISH_BPMN], { user: 'designer' });
    const fall = (guestCount: number) => runtime().start('dish-c8', { variables: { season: 'Fall', guestCount } });
    expect((await fall(4)).instance.variables.dish).toBe('Spareribs');

    const changed = DISH_DMN.xml.replace('"Spareribs"', '"Pumpkin soup"');
    expect((await library().deploy([{ ...DISH_DMN, xml: changed }], { user: 'designer' })).decisions).toEqual([{ id: 'dish', version: 2, changed: true }]);
    expect((await fall(4)).instance.variables.dish).toBe('Pumpkin soup');

    expect(await library().decisionXml('dish', 1)).toBe(crlf);
    expect(await library().decisionXml('dish', 2)).toBe(changed);
    expect(await library().decisionXml('dish')).toBe(changed);
    expect(await library().decisionXml('dish', 3)).toBeUndefined();
    expect(await library().listDecisions()).toEqual([{ id: 'dish', name: 'Dish', latestVersion: 2, fileName: 'unique-dish.dmn', deployedAt: anyText() }]);
    const detail = await library().getDecision('dish');
    expect(detail?.versions.map((version) => [version.version, version.note, version.deployedBy])).toEqual([[1, 'rules first', 'designer'], [2, null, 'designer']]);
    expect(await library().getDecision('nothing')).toBeUndefined();
  });

  it('refuses a business rule task whose decision is neither deployed nor in the deployment, and nothing is stored', async () => {
    const error = await refusalOf(library().deploy([DISH_BPMN], { user: 'designer' }));
    expect(error).toMatchObject({ code: 'invalid' });
    expect(error.details?.findings).toContainEqual(objectWith({
      file: 'dish-camunda8.bpmn', elementId: 'Decide', rule: 'supported-elements', severity: 'error',
      message: textContaining('calls the DMN decision "dish", which is neither deployed nor in this deployment'),
    }));
    expect(await library().list()).toEqual([]);
  });

  it('refuses a .dmn file that cannot be evaluated and a decision id defined in two files, naming the file', async () => {
    const broken = { name: 'broken.dmn', xml: DISH_DMN.xml.replace('hitPolicy="UNIQUE"', 'hitPolicy="SOMETIMES"') };
    const first = await refusalOf(library().deploy([DISH_BPMN, broken], { user: 'designer' }));
    expect(first.details?.findings).toContainEqual(objectWith({ file: 'broken.dmn', rule: 'dmn-parse', severity: 'error', message: textContaining('SOMETIMES') }));

    const twice = await refusalOf(library().deploy([DISH_DMN, { ...DISH_DMN, name: 'copy.dmn' }], { user: 'designer' }));
    expect(twice.details?.findings).toContainEqual(objectWith({ file: 'copy.dmn', elementId: 'dish', rule: 'duplicate-decision' }));
    expect(await library().listDecisions()).toEqual([]);
  });

  it('refuses at deploy a decision that requires itself, naming the file and the decision', async () => {
    const cyclic = {
      name: 'cyclic.dmn',
      xml: read('dmn/required-decisions.dmn').replace('<decision id="season" name="Season">', '<decision id="season" name="Season">\n    <informationRequirement id="season-req1"><requiredDecision href="#dish" /></informationRequirement>'),
    };
    const refusal = await refusalOf(library().deploy([cyclic], { user: 'designer' }));
    expect(refusal.details?.findings).toContainEqual(objectWith({
      file: 'cyclic.dmn', elementId: 'season', rule: 'dmn-parse', severity: 'error', message: 'decision season requires itself (season → dish → season), so it can never be evaluated',
    }));
    expect(await library().listDecisions()).toEqual([]);
  });

  it('checks files together offline (stratum validate): a decision of any .dmn file of the run is known', async () => {
    expect((await lintFiles([DISH_BPMN, DISH_DMN])).filter((finding) => finding.severity === 'error')).toEqual([]);
    const alone = await lintFiles([DISH_BPMN]);
    expect(alone).toContainEqual(objectWith({ elementId: 'Decide', rule: 'supported-elements', severity: 'error' }));
  });
});
