// A task already decided, as the task list shows it when someone comes back to its address (Back after deciding,
// a bookmark, a link sent on): what was decided, by whom and when, read-only (GET /api/tasks/{id}/completion).
import type { TaskCompletionView } from '../../../engine/api.js';
import { verdictOf, type Verdict } from './decision-verdict';

const DECISION_WORDS: Record<Verdict, string> = {
  approved: 'Approved',
  rejected: 'Rejected',
  acknowledged: 'Acknowledged',
  'not-acknowledged': 'Not acknowledged',
  completed: 'Completed',
};

/** The variables the facts name already (the verdict and the comment); any other is listed by its name. */
const SHOWN_AS_DECISION = new Set(['approved', 'acknowledged', 'comment']);

export interface DecidedTask {
  /** "You approved "Approve order" for order SO-1." / "vera rejected …". */
  summary: string;
  verdict: Verdict;
  /** Term and value, in reading order. */
  facts: [string, string][];
}

export function decidedTask(completion: TaskCompletionView, user: string): DecidedTask {
  const verdict = verdictOf(completion.variables);
  const who = completion.completedBy === user ? 'You' : (completion.completedBy ?? 'Someone');
  const task = completion.name ?? completion.elementId;
  const order = completion.businessKey ? ` for order ${completion.businessKey}` : '';
  const verb = verdict === 'not-acknowledged' ? 'did not acknowledge' : verdict;
  const facts: [string, string][] = [
    ['Order', completion.businessKey ?? '—'],
    ['Decision', DECISION_WORDS[verdict]],
  ];
  const { comment } = completion.variables;
  if (typeof comment === 'string' && comment.trim()) facts.push(['Comment', comment]);
  for (const [name, value] of Object.entries(completion.variables)) {
    if (!SHOWN_AS_DECISION.has(name)) facts.push([name, typeof value === 'string' ? value : JSON.stringify(value)]);
  }
  facts.push(['Decided by', completion.completedBy === user ? `you (${user})` : (completion.completedBy ?? 'unknown')]);
  return { summary: `${who} ${verb} "${task}"${order}.`, verdict, facts };
}
