// A choreography (or a global choreography task) beside a process describes the messages partners exchange; it
// holds no process to run, and bpmn-js draws none of it. The file keeps it byte for byte, and Stratum runs the
// processes beside it: a warning (every report marked so) says so, at deploy, in `stratum validate` and in the modeler, rather than
// letting it pass silently. (A file with nothing else is refused: `no-process`.)
import type { ModdleElement } from 'bpmn-moddle';
import { isKeptNotRun } from '../documentation.js';
import { keptNotRunSentence } from '../kept-not-run.js';
import type { Reporter, RuleFactory } from '../rule-api.js';

const choreographyNotRun: RuleFactory = () => {
  function check(node: ModdleElement, reporter: Reporter) {
    if (node.$type === 'bpmn:Definitions') return;
    // only root elements: the contents of a choreography are named by it
    if (node.$parent?.$type !== 'bpmn:Definitions') return false;
    if (isKeptNotRun(node)) reporter.report(node.id, keptNotRunSentence(node), { severity: 'warn' });
    return false;
  }
  return { check, meta: { documentation: { url: 'docs/validation.md#choreography-not-run-warning' } } };
};

export default choreographyNotRun;
