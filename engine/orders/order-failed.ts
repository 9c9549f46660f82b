// A failed order has not ended: an operator's retry of its incident puts it back where it waited, its catches
// included. What it is sent meanwhile (a message, a change) reaches nobody and is not kept, since the retry opens
// nothing new to deliver it to; so it is refused as its sender can act on it, to send again after the retry, never
// as a finished order's, whose sender would drop a payment or a change for good.
import type { IncidentRow, StoreTx } from '../store/types.js';

export interface OrderFailed {
  /** The open incident to retry: the root cause. */
  incident: IncidentRow;
  /** Why, after the caller's subject ("message X for order Y: …"). */
  message: string;
  /** The refusal's details for the caller, beside its own. */
  details: { problem: 'order-failed'; orderStatus: 'failed'; instanceId: string; incidentId: string };
}

/** Undefined when the failed order `rootId` has no open incident to retry (it has then ended for good). */
export async function orderFailed(tx: StoreTx, rootId: string, what: 'message' | 'change'): Promise<OrderFailed | undefined> {
  const open = await tx.findIncidents({ rootId, open: true });
  // the incident to retry is the root cause: a caller's only follows from the one of the instance it called
  const incident = open.find((candidate) => candidate.causeId === null) ?? open[0];
  if (!incident) return undefined;
  return {
    incident,
    message: `the order has failed at ${incident.processKey}/${incident.elementId ?? 'a step'} (incident ${incident.id}) and takes no ${what} until that incident is retried; send it again once it is`,
    details: { problem: 'order-failed', orderStatus: 'failed', instanceId: rootId, incidentId: incident.id },
  };
}
