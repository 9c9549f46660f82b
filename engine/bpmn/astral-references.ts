// Character references to characters beyond U+FFFF (`&#x1F600;`, `&#128512;`), written as the characters they name
// before moddle reads a file: its reader (saxen) decodes a reference with String.fromCharCode, which keeps the low
// 16 bits, so `&#x1F600;` became U+F600 in a task's name and a decision's text. Comments, CDATA sections and
// processing instructions hold no references and are left as written. Browser-safe.

const PARTS = /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<\?[\s\S]*?(?:\?>|$)|&#(?:x([0-9A-Fa-f]+)|([0-9]+));/g;

/** `xml` with every reference to a character beyond U+FFFF replaced by that character; the same XML to any reader. */
export function astralReferencesAsCharacters(xml: string): string {
  if (!xml.includes('&#')) return xml;
  return xml.replace(PARTS, (whole, hex: string | undefined, decimal: string | undefined) => {
    if (hex === undefined && decimal === undefined) return whole;
    const code = hex !== undefined ? parseInt(hex, 16) : parseInt(decimal!, 10);
    return code > 0xffff && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
