// The impact report's related conditions (engine/impact/related-conditions.ts) as
// the CLI prints them: `stratum impact`, `stratum deploy` and `stratum validate --server`
// name them alike, warnings that never block.
import type { RelatedCondition } from '../impact/impact-report.js';

/** A heading and one `  warning: …` line per condition; nothing when there are none. */
export function relatedConditionLines(related: RelatedCondition[]): string[] {
  if (related.length === 0) return [];
  return [
    `conditions that still compare with a constant this change moved (warnings, not blocking): ${related.length}`,
    ...related.map((condition) => `  warning: ${condition.message} (${condition.flow.processKey}/${condition.flow.elementId}: ${condition.condition})`),
  ];
}
