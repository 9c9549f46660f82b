// Which element a bpmn-moddle import warning is about. Moddle names only a line
// and column ("unparsable content <x:meta> detected line: 5 column: 35"); the
// id of the innermost element around that spot lets validate and deploy name
// the element, as every other finding does.

const MARKUP = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<![^>]*>|<[^"'>]*(?:(?:"[^"]*"|'[^']*')[^"'>]*)*>/g;
const ID = /\sid\s*=\s*(?:"([^"]*)"|'([^']*)')/;
const POSITION = /line:\s*(\d+)\s+column:\s*(\d+)/;

/**
 * Warning → id of the innermost element with an id whose start tag is open at
 * the (0-based) line and column the warning names in `xml`. One pass over the
 * text for all warnings: a vendor file may have thousands.
 */
export function warningElementIds(xml: string, warnings: string[]): Map<string, string> {
  const lineStarts = [0];
  for (let at = xml.indexOf('\n'); at !== -1; at = xml.indexOf('\n', at + 1)) lineStarts.push(at + 1);
  const wanted = warnings.flatMap((warning) => {
    const match = POSITION.exec(warning);
    const start = match ? lineStarts[Number(match[1])] : undefined;
    return start === undefined ? [] : [{ warning, offset: start + Number(match![2]) }];
  }).sort((a, b) => a.offset - b.offset);
  const found = new Map<string, string>();
  const open: (string | null)[] = [];
  let next = 0;
  const settle = (before: number) => {
    for (; next < wanted.length && wanted[next].offset <= before; next++) {
      const id = open.findLast((candidate) => candidate !== null);
      if (id) found.set(wanted[next].warning, id);
    }
  };
  MARKUP.lastIndex = 0;
  for (let match = MARKUP.exec(xml); match && next < wanted.length; match = MARKUP.exec(xml)) {
    settle(match.index);
    const tag = match[0];
    if (/^<[!?]/.test(tag)) continue;
    if (tag.startsWith('</')) open.pop();
    else if (!tag.endsWith('/>')) {
      const id = ID.exec(tag);
      open.push(id ? (id[1] ?? id[2]) : null);
    }
  }
  settle(Infinity);
  return found;
}
