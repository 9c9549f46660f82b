// What a completion decided, in the task list's words: the approval convention (`approved`) and the special change's
// acknowledgement (`acknowledged`, docs/modelling.md): `acknowledged: false` is no acknowledgement (the task comes
// back to the department), never "completed".
export type Verdict = 'approved' | 'rejected' | 'acknowledged' | 'not-acknowledged' | 'completed';

/** The verb of "You … "<task>"" and "<who> …: <task>". */
export const VERDICT_WORDS: Record<Verdict, string> = {
  approved: 'approved',
  rejected: 'rejected',
  acknowledged: 'acknowledged',
  'not-acknowledged': 'did not acknowledge',
  completed: 'completed',
};

export function verdictOf(variables: Record<string, unknown>): Verdict {
  if (variables.approved === true) return 'approved';
  if (variables.approved === false) return 'rejected';
  if (variables.acknowledged === true) return 'acknowledged';
  if (variables.acknowledged === false) return 'not-acknowledged';
  return 'completed';
}
