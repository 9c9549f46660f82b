// An `&` that begins no reference XML defines (`&e;` with no DOCTYPE to declare it, `a & b`, `&#xZZ;`): the file
// is not well-formed XML. moddle's reader keeps such text as written, so the file deployed, and the library then
// served a file back that no other XML reader (Camunda, xmllint, an XSLT) takes. Browser-safe.

/** The first stray `&`: what is written from it (at most 20 characters) and its line. */
export interface StrayAmpersand {
  written: string;
  line: number;
}

// comments, CDATA sections and processing instructions hold no references; every other `&` must begin one
const PARTS = /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<\?[\s\S]*?(?:\?>|$)|&(?!(?:lt|gt|amp|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)/g;

/** The first `&` in `xml` that begins no reference XML defines, or undefined. */
export function strayAmpersand(xml: string): StrayAmpersand | undefined {
  if (!xml.includes('&')) return undefined;
  for (const match of xml.matchAll(PARTS)) {
    if (match[0] !== '&') continue;
    const written = /^&[^\s<"']{0,19}/.exec(xml.slice(match.index, match.index + 20))![0];
    let line = 1;
    for (let at = xml.indexOf('\n'); at >= 0 && at < match.index; at = xml.indexOf('\n', at + 1)) line++;
    return { written, line };
  }
  return undefined;
}

/** `line 4 writes "&e;", which is no reference XML defines; …`. */
export function strayAmpersandMessage(found: StrayAmpersand): string {
  return `line ${found.line} writes "${found.written}", which is no reference XML defines (&lt; &gt; &amp; &quot; &apos; &#…;), so the file is not XML; write a plain & as &amp;`;
}
