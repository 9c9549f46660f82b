// Processes whose approval a failed instance holds (TaskView.held), for the runtime, API and task list tests:
// held-approval waits at an approval in one branch and a check job in the other; held-approval-caller calls
// held-approval-callee (one approval) in one branch, and in the other a check whose gateway reads a `region`
// nothing supplies, so completing the check without it fails the caller.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const HELD_APPROVAL_FILES = ['held-approval.bpmn', 'held-approval-callee.bpmn', 'held-approval-caller.bpmn']
  .map((name) => ({ name, xml: readFileSync(fileURLToPath(new URL(`../fixtures/engine/${name}`, import.meta.url)), 'utf8') }));
