// A message catch with `zeebe:property name="messagesReceivedSince"` takes no buffered message received
// before the instant its expression gives: such a message stays buffered, and the catch waits for one sent
// since. Without the property, or with an instant before the message, the buffer works as ever.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFixture, type Fixture } from '../../support/stratum-fixture.js';
import { anyText, objectWith } from '../../support/matchers.js';

/** Go, then Paid; the Paid catch takes only messages received since `=since`. */
const XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D_paid_since" targetNamespace="http://stratum.dev/test">
  <bpmn:message id="Msg_go" name="Go" />
  <bpmn:message id="Msg_paid" name="Paid" />
  <bpmn:process id="paid-since" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Go" />
    <bpmn:intermediateCatchEvent id="Go" name="Go"><bpmn:messageEventDefinition messageRef="Msg_go" /></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="F2" sourceRef="Go" targetRef="Paid" />
    <bpmn:intermediateCatchEvent id="Paid" name="Paid since">
      <bpmn:extensionElements><zeebe:properties><zeebe:property name="messagesReceivedSince" value="=since" /></zeebe:properties></bpmn:extensionElements>
      <bpmn:messageEventDefinition messageRef="Msg_paid" />
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="F3" sourceRef="Paid" targetRef="Done" />
    <bpmn:endEvent id="Done" name="Done" />
  </bpmn:process>
</bpmn:definitions>`;

let fixture: Fixture;
beforeEach(async () => {
  fixture = await openFixture({ deployShipped: false });
  await fixture.stratum.library.deploy([{ name: 'paid-since.bpmn', xml: XML }], { user: 'designer' });
});
afterEach(async () => { await fixture?.dispose(); });

const SECOND = 1000;
const send = (name: string, businessKey: string) => fixture.stratum.runtime.correlateMessage({ name, businessKey, actor: 'bank' });
const instant = (offsetMs: number) => new Date(fixture.clock.now().getTime() + offsetMs).toISOString();

async function startWith(businessKey: string, variables: Record<string, unknown>) {
  const { instance } = await fixture.stratum.runtime.start('paid-since', { businessKey, variables });
  return instance.id;
}

async function paidWhenGo(businessKey: string, since: unknown) {
  const id = await startWith(businessKey, since === undefined ? {} : { since });
  fixture.clock.advance(SECOND);
  expect((await send('Paid', businessKey)).outcome).toBe('buffered');
  fixture.clock.advance(2 * SECOND);
  await send('Go', businessKey);
  return fixture.stratum.runtime.getInstance(id);
}

describe('a message catch with messagesReceivedSince', () => {
  it('leaves a message buffered before the instant, and takes the next one sent', async () => {
    const view = await paidWhenGo('K-1', instant(2 * SECOND)); // the Paid is sent at +1 s
    expect(view.status).toBe('running');
    expect(view.waiting).toEqual([objectWith({ elementId: 'Paid' })]);
    expect(view.history.filter((entry) => entry.event === 'message.correlated').map((entry) => entry.elementId)).toEqual(['Go']);
    expect(view.history.filter((entry) => entry.event === 'message.buffer-not-read')).toEqual([]);

    fixture.clock.advance(SECOND);
    expect((await send('Paid', 'K-1')).outcome).toBe('delivered');
    expect((await fixture.stratum.runtime.getInstance(view.id)).status).toBe('completed');
  });

  it('takes a message received at or after the instant from the buffer', async () => {
    const view = await paidWhenGo('K-2', instant(SECOND)); // exactly when the Paid is sent
    expect(view.status).toBe('completed');
    expect(view.history.filter((entry) => entry.event === 'message.correlated')).toEqual([
      objectWith({ elementId: 'Go' }),
      objectWith({ elementId: 'Paid', data: objectWith({ buffered: true }) }),
    ]);
  });

  it('reads a FEEL date and time as well as text', async () => {
    const since = `date and time("${instant(2 * SECOND)}")`;
    await fixture.stratum.library.deploy([{ name: 'paid-since.bpmn', xml: XML.replace('value="=since"', `value="=${since.replaceAll('"', '&quot;')}"`) }], { user: 'designer' });
    const view = await paidWhenGo('K-3', undefined);
    expect(view.waiting).toEqual([objectWith({ elementId: 'Paid' })]);
    expect(view.history.filter((entry) => entry.event === 'message.buffer-not-read')).toEqual([]);
  });

  it('fails closed when the expression gives no date and time: no buffered message, and the history says why', async () => {
    for (const [businessKey, since] of [['K-4', undefined], ['K-5', 'yesterday'], ['K-6', 42]] as const) {
      const view = await paidWhenGo(businessKey, since);
      expect(view.waiting, businessKey).toEqual([objectWith({ elementId: 'Paid' })]);
      expect(view.history.filter((entry) => entry.event === 'message.buffer-not-read'), businessKey).toEqual([
        objectWith({ elementId: 'Paid', data: objectWith({ name: 'Paid', messagesReceivedSince: '=since', problem: anyText() }) }),
      ]);
      expect((await send('Paid', businessKey)).outcome, businessKey).toBe('delivered');
    }
  });

  it('changes nothing without the property: the buffered message is taken', async () => {
    await fixture.stratum.library.deploy([{ name: 'paid-since.bpmn', xml: XML.replace(/<bpmn:extensionElements>.*<\/bpmn:extensionElements>/, '') }], { user: 'designer' });
    const view = await paidWhenGo('K-7', instant(2 * SECOND));
    expect(view.status).toBe('completed');
  });
});
