// The scheduler's round (fireDueTimers) fires the timers due when it began, each once, and returns: a timer its own
// firing arms again (a cycle) waits for the next round. Before, each page of the round read the timers due by the
// clock as it was then, so once a page took longer than a cycle's period (60 reminders every second, a few ms each),
// the reminders it had fired were due again before the round reached its end and fired twice in it (96 of 60 here);
// with enough of them every page was full again and the round did not end: the scheduler's next tick never came,
// expired messages were not purged and a stopping server waited for the round.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, openStratum, type Stratum } from '../../../engine/index.js';

/** A clock that moves on by `stepMs` each time it is read: time passes as the steps of a round run. */
class BusyClock {
  private current = new Date('2026-01-05T09:00:00.000Z').getTime();
  stepMs = 0;
  now = () => new Date((this.current += this.stepMs));
}

const REMINDED = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Definitions_reminded" targetNamespace="http://stratum.dev/test">
  <bpmn:process id="reminded" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Review" />
    <bpmn:userTask id="Review" name="Review" />
    <bpmn:sequenceFlow id="F2" sourceRef="Review" targetRef="End" />
    <bpmn:endEvent id="End" />
    <bpmn:boundaryEvent id="Remind" attachedToRef="Review" cancelActivity="false">
      <bpmn:timerEventDefinition><bpmn:timeCycle>R/PT1S</bpmn:timeCycle></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="F3" sourceRef="Remind" targetRef="Reminded" />
    <bpmn:endEvent id="Reminded" />
  </bpmn:process>
</bpmn:definitions>`;

let dataDir: string;
let stratum: Stratum;
let clock: BusyClock;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'stratum-timer-rounds-'));
  clock = new BusyClock();
  stratum = await openStratum({ store: await openStore({ dataDir }), clock });
});
afterEach(async () => {
  await stratum.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a round of due timers', () => {
  it('fires each timer due when it began once, though 60 reminders every second take longer than a second to fire', async () => {
    await stratum.library.deploy([{ name: 'reminded.bpmn', xml: REMINDED }], { user: 'test' });
    const instances: string[] = [];
    for (let count = 0; count < 60; count++) instances.push((await stratum.runtime.start('reminded', {})).instance.id);
    clock.stepMs = 2_000; // all 60 due
    clock.now();
    clock.stepMs = 10; // each read of the clock in a round: 10 ms, so firing 60 takes seconds
    expect(await stratum.runtime.fireDueTimers()).toBe(60);
    for (const id of instances) {
      const { history } = (await stratum.runtime.getInstance(id))!;
      expect(history.filter((entry) => entry.event === 'timer.fired')).toHaveLength(1);
    }
    // the reminders armed again are the next round's
    expect(await stratum.runtime.fireDueTimers()).toBeGreaterThan(0);
  });
});
