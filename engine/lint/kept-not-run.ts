// The words for a choreography a file keeps but Stratum neither runs nor draws: the same sentence in the
// `choreography-not-run` finding (deploy, `stratum validate`, the Problems panel) and on the modeler's status line
// when it opens such a file. Browser-safe.
import type { ModdleElement } from 'bpmn-moddle';
import { isKeptNotRun } from './documentation.js';
import { ElementLabel } from './element-label.js';

/** `Choreography "Quote" is kept in the file but not run …`. */
export function keptNotRunSentence(element: ModdleElement): string {
  return `${ElementLabel(element)} is kept in the file but not run, and the modeler does not draw it: Stratum runs the processes beside it`;
}

/** The sentence for each choreography of the document, in file order. */
export function keptNotRunSentences(definitions: ModdleElement | undefined): string[] {
  return ((definitions?.rootElements ?? [])).filter(isKeptNotRun).map(keptNotRunSentence);
}
