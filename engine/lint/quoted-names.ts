// How a finding lists names (processes, groups): quoted, and only the first few, so a designer reads which ones
// the finding is about without a library's worth of names. Browser-safe.

/** Names a finding lists before it counts the rest. */
const SHOWN = 3;

/** `"a", "b", "c" and 2 more`; all of them when there are no more than three. */
export function quotedNames(names: readonly string[]): string {
  const quoted = names.slice(0, SHOWN).map((name) => `"${name}"`).join(', ');
  return names.length > SHOWN ? `${quoted} and ${names.length - SHOWN} more` : quoted;
}
