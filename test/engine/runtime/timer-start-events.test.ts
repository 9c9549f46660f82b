// A timer start event would start its process on a schedule; Stratum's scheduler (fireDueTimers) only fires timers of
// running instances, so such a process deployed and never started an instance. bpmn-elements arms no timer start of an
// event sub-process either (it triggers those by messages and signals only), so that one never fired. Both are refused
// at deploy, naming the element (lint rule supported-elements); a message start event starts instances as before.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFixture, type Fixture } from '../../support/stratum-fixture.js';
import { objectWith, textContaining } from '../../support/matchers.js';
import { refusalOf } from '../../support/refusal.js';

const HOUR = 60 * 60 * 1000;

let fixture: Fixture;
beforeEach(async () => { fixture = await openFixture({ deployShipped: false }); });
afterEach(async () => { await fixture.dispose(); });

const file = (key: string, body: string, documentation = '') => ({
  name: `${key}.bpmn`,
  xml: `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Definitions_${key}" targetNamespace="http://stratum.dev/test">
  <bpmn:message id="Msg_Report" name="report-requested" />
  <bpmn:process id="${key}" isExecutable="true">
${body}
  </bpmn:process>${documentation}
</bpmn:definitions>`,
});

const startedBy = (definition: string, prefix = '') => `
    <bpmn:startEvent id="${prefix}Start" name="Every hour">${definition}</bpmn:startEvent>
    <bpmn:sequenceFlow id="${prefix}F1" sourceRef="${prefix}Start" targetRef="${prefix}Report" />
    <bpmn:userTask id="${prefix}Report" name="Write report" />
    <bpmn:sequenceFlow id="${prefix}F2" sourceRef="${prefix}Report" targetRef="${prefix}End" />
    <bpmn:endEvent id="${prefix}End" />`;

const timer = (field: string, value: string) => `<bpmn:timerEventDefinition><bpmn:${field}>${value}</bpmn:${field}></bpmn:timerEventDefinition>`;

describe('a process started by a timer', () => {
  it.each([
    ['timeCycle', 'R/PT1H'],
    ['timeCycle', '0 0 * * * ?'],
    ['timeDate', '2026-01-05T10:00:00Z'],
  ])('is refused at deploy (%s %s), naming the start event and how to start it instead', async (field, value) => {
    const error = await refusalOf(fixture.stratum.library.deploy([file('hourly-report', startedBy(timer(field, value)))], { user: 'designer' }));
    expect(error.code).toBe('invalid');
    const findings = (error.details?.findings ?? []).filter((finding) => finding.rule === 'supported-elements');
    expect(findings).toEqual([objectWith({ elementId: 'Start', severity: 'error' })]);
    expect(findings[0].message).toContain('Start event "Every hour" is a timer start event');
    expect(findings[0].message).toContain('POST /api/processes/hourly-report/instances');
    expect(await fixture.stratum.library.list()).toEqual([]);
    fixture.clock.advance(2 * HOUR);
    expect(await fixture.stratum.runtime.fireDueTimers()).toBe(0);
  });

  it('in a pool marked isExecutable="false" stays documentation: the file deploys its executable process, with a warning', async () => {
    const documented = `
  <bpmn:process id="nightly-batch" isExecutable="false">${startedBy(timer('timeCycle', 'R/PT1H'), 'Batch')}
  </bpmn:process>`;
    const { deployed, warnings } = await fixture.stratum.library.deploy([file('hourly-report', startedBy(''), documented)], { user: 'designer' });
    expect(deployed).toEqual([{ key: 'hourly-report', version: 1, changed: true }]);
    expect(warnings.filter((finding) => finding.rule === 'supported-elements')).toEqual([objectWith({
      elementId: 'BatchStart', severity: 'warning', message: textContaining('marked isExecutable="false": documentation, not deployed'),
    })]);
  });
});

describe('an event sub-process started by a timer', () => {
  it('is refused at deploy: bpmn-elements triggers event sub-processes by messages and signals only, so its timer is never armed', async () => {
    const error = await refusalOf(fixture.stratum.library.deploy([file('report-with-reminder', `${startedBy('')}
    <bpmn:subProcess id="Remind" triggeredByEvent="true">
      <bpmn:startEvent id="RemindStart" name="An hour on" isInterrupting="false">${timer('timeDuration', 'PT1H')}</bpmn:startEvent>
      <bpmn:sequenceFlow id="R1" sourceRef="RemindStart" targetRef="Reminded" />
      <bpmn:endEvent id="Reminded" />
    </bpmn:subProcess>`)], { user: 'designer' }));
    const findings = (error.details?.findings ?? []).filter((finding) => finding.rule === 'supported-elements');
    expect(findings).toEqual([objectWith({ elementId: 'RemindStart', severity: 'error' })]);
    expect(findings[0].message).toContain('Start event "An hour on" is a timer start event of an event sub-process, which Stratum never arms');
    expect(findings[0].message).toContain('timer boundary event');
  });
});

describe('a process started by a message', () => {
  it('a message start event deploys and starts an instance when its message is sent', async () => {
    await fixture.stratum.library.deploy([file('requested-report', startedBy('<bpmn:messageEventDefinition messageRef="Msg_Report" />'))], { user: 'designer' });
    await fixture.stratum.runtime.correlateMessage({ name: 'report-requested', businessKey: 'R-1', variables: {} });
    const { items } = await fixture.stratum.runtime.findInstances({ processKey: 'requested-report' });
    expect(items).toHaveLength(1);
  });
});
