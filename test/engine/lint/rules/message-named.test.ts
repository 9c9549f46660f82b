import { describe, expect, it } from 'vitest';
import { expectNoErrors, fixtureFiles, lintFixture, ofRule } from '../lint-fixture.js';

const RULE = 'message-named';

describe(RULE, () => {
  it.each(fixtureFiles(RULE, 'valid-'))('accepts %s', (file) => expectNoErrors(RULE, file));

  it('refuses waits for no message, for an unnamed message and for a computed name', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-messages.bpmn'), RULE);
    expect(findings).toEqual([
      ['NoMessage', 'Intermediate catch event "Something arrives" waits for a message but does not say which; choose a message with a name (e.g. "PaymentReceived")'],
      ['Unnamed', 'Receive task "Wait for unnamed" waits for message Message_Unnamed, which has no name; give the message the name senders use (e.g. "PaymentReceived")'],
      ['Computed', 'Intermediate catch event "Computed" waits for a message whose name is computed ("=messageName"); Stratum correlates messages by a fixed name'],
    ]);
  });
});
