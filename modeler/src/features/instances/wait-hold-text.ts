// What holds a wait, in the words of a wait card's line and the Instances tab's list: the server's `held` (engine
// wait-holds.ts), so a designer watching an order sees why nobody acts on a wait the runtime would refuse (409).
import type { WaitingElement } from '../../api/client';

/** `held: order change OC-7 open`, `held: instance failed (incident I-3)` …; null when the wait can be acted on. */
export function waitHoldText(held: WaitingElement['held'] | undefined): string | null {
  if (!held) return null;
  switch (held.reason) {
    case 'order-change-open': return `held: order change ${held.changeId} open`;
    case 'instance-failed': return `held: instance failed${incident(held.incidentId)}`;
    case 'caller-failed': return `held: calling instance ${held.instanceId} failed${incident(held.incidentId)}`;
  }
}

// helpers

const incident = (id: string | undefined) => (id ? ` (incident ${id})` : '');
