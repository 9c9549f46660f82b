// How deep elements of an imported file nest, read from the text before any parser builds a tree. Readers and
// rules walk nested elements recursively (subprocess in subprocess, extension elements in each other), and a file
// nested some thousands deep overflowed the stack: a 500 at deploy and a crash of `stratum validate`. No drawn
// diagram comes near the limit. Browser-safe.

/** The deepest nesting of elements read (the root is 1): a process in its definitions with some 90 subprocesses inside each other. */
export const MAX_ELEMENT_DEPTH = 100;

/** The first element nested deeper than MAX_ELEMENT_DEPTH: its tag, its id when it has one, its line. */
export interface TooDeep {
  name: string;
  id: string | null;
  line: number;
}

/**
 * The first element deeper than MAX_ELEMENT_DEPTH in `xml`, or undefined. Comments, CDATA, processing instructions
 * and quoted attribute values are skipped; text that is not well-formed ends the scan (the parser names that).
 * One pass, no backtracking.
 */
export function tooDeeplyNested(xml: string): TooDeep | undefined {
  let depth = 0;
  let pos = 0;
  for (;;) {
    const lt = xml.indexOf('<', pos);
    if (lt < 0) return undefined;
    const skipTo = (terminator: string) => {
      const end = xml.indexOf(terminator, lt);
      return end < 0 ? -1 : end + terminator.length;
    };
    if (xml.startsWith('<!--', lt)) pos = skipTo('-->');
    else if (xml.startsWith('<![CDATA[', lt)) pos = skipTo(']]>');
    else if (xml.startsWith('<?', lt) || xml.startsWith('<!', lt)) pos = skipTo('>');
    else if (xml[lt + 1] === '/') {
      depth--;
      pos = skipTo('>');
    } else {
      const end = startTagEnd(xml, lt + 1);
      if (end < 0) return undefined;
      if (xml[end - 1] !== '/') depth++;
      if (depth > MAX_ELEMENT_DEPTH) return describe(xml, lt, end);
      pos = end + 1;
    }
    if (pos < 0) return undefined;
  }
}

/** `<subProcess> p98 on line 12 is nested more than 100 elements deep, deeper than Stratum reads`. */
export function tooDeepMessage(deep: TooDeep): string {
  return `<${deep.name}>${deep.id ? ` ${deep.id}` : ''} on line ${deep.line} is nested more than ${MAX_ELEMENT_DEPTH} elements deep, deeper than Stratum reads`;
}

// helpers

/** The offset of the `>` closing the start tag that begins at `from`, past quoted values; -1 when there is none. */
function startTagEnd(xml: string, from: number): number {
  for (let pos = from; pos < xml.length; pos++) {
    const char = xml[pos];
    if (char === '>') return pos;
    if (char === '"' || char === "'") {
      pos = xml.indexOf(char, pos + 1);
      if (pos < 0) return -1;
    }
  }
  return -1;
}

function describe(xml: string, lt: number, end: number): TooDeep {
  const tag = xml.slice(lt + 1, end);
  const name = /^[^\s/>]+/.exec(tag)?.[0] ?? '?';
  const id = /\sid\s*=\s*(["'])([^"']*)\1/.exec(tag)?.[2] ?? null;
  let line = 1;
  for (let at = xml.indexOf('\n'); at >= 0 && at < lt; at = xml.indexOf('\n', at + 1)) line++;
  return { name, id, line };
}
