// Which element a bpmn-moddle import warning is about. Moddle names only a line
// and column ("unparsable content <x:meta> detected line: 5 column: 35"); the
// id of the innermost element around that spot lets validate and deploy name
// the element, as every other finding does.

const MARKUP = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<![^>]*>|<[^"'>]*(?:(?:"[^"]*"|'[^']*')[^"'>]*)*>/g;
const ID = /\sid\s*=\s*(?:"([^"]*)"|'([^']*)')/;

/** The 0-based line and column moddle's warning names, or null when it names none. */
export function warningPosition(warning: string): { line: number; column: number } | null {
  const match = /line:\s*(\d+)\s+column:\s*(\d+)/.exec(warning);
  return match ? { line: Number(match[1]), column: Number(match[2]) } : null;
}

/** The id of the innermost element with an id whose start tag is open at `line`:`column` (0-based) of `xml`. */
export function enclosingElementId(xml: string, line: number, column: number): string | null {
  let offset = 0;
  for (let n = 0; n < line; n++) {
    offset = xml.indexOf('\n', offset) + 1;
    if (offset === 0) return null;
  }
  offset += column;
  const open: (string | null)[] = [];
  MARKUP.lastIndex = 0;
  for (let match = MARKUP.exec(xml); match && match.index < offset; match = MARKUP.exec(xml)) {
    const tag = match[0];
    if (/^<[!?]/.test(tag)) continue;
    if (tag.startsWith('</')) open.pop();
    else if (!tag.endsWith('/>')) {
      const id = ID.exec(tag);
      open.push(id ? (id[1] ?? id[2]) : null);
    }
  }
  for (let i = open.length - 1; i >= 0; i--) if (open[i] !== null) return open[i];
  return null;
}
