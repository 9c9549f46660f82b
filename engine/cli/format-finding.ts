// One finding as `stratum validate`, `deploy` and `impact` print it. A module of its own: deploy and impact, which
// ask the server, would otherwise load validate's linter to print a line.
import type { Finding } from '../errors.js';

export function formatFinding(finding: Finding): string {
  const severity = finding.severity === 'warning' ? 'warning: ' : '';
  return `${finding.file ?? '-'}:${finding.elementId ?? '-'}: ${severity}${finding.message} (${finding.rule})`;
}
