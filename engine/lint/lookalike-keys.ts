// A process key is what a call activity names, what the library tree, the
// history and the deploy dialog show. A new key that reads like another
// (`credit-оrder-approval` with a Cyrillic о, `sales-order-management` with a
// fullwidth letter, a different case) would let a diagram call a stand-in for an
// order process that no reviewer can tell from the real one. Keys are compared
// by a skeleton: NFKC, lower case, and the letters and dashes commonly mistaken
// for ASCII mapped to it (a short table after Unicode's confusables, for the
// scripts that look Latin). Browser-safe.
import type { Finding } from '../errors.js';

const CONFUSABLES: Record<string, string> = {
  // dashes and minus signs
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2015': '-', '\u2212': '-', '\u02D7': '-', '\u2043': '-',
  // Cyrillic
  '\u0430': 'a', '\u0432': 'b', '\u0435': 'e', '\u0451': 'e', '\u043A': 'k', '\u043C': 'm', '\u043D': 'h', '\u043E': 'o', '\u0440': 'p',
  '\u0441': 'c', '\u0442': 't', '\u0443': 'y', '\u0445': 'x', '\u0455': 's', '\u0456': 'i', '\u0457': 'i', '\u0458': 'j', '\u04BB': 'h',
  '\u0501': 'd', '\u051B': 'q', '\u051D': 'w', '\u04CF': 'l',
  // Greek
  '\u03B1': 'a', '\u03B5': 'e', '\u03B9': 'i', '\u03BA': 'k', '\u03BD': 'v', '\u03BF': 'o', '\u03C1': 'p', '\u03C4': 't', '\u03C5': 'u', '\u03C7': 'x',
  // Latin look-alikes
  '\u0131': 'i', '\u0261': 'g', '\u01C0': 'l', '\u0269': 'i', '\u1D0F': 'o', '\u1D1C': 'u',
};

/** What a key looks like: keys with one skeleton are told apart by nobody reading them. */
export function keySkeleton(key: string): string {
  return [...key.normalize('NFKC').toLowerCase()].map((char) => CONFUSABLES[char] ?? char).join('').normalize('NFKC');
}

/**
 * `process-key-lookalike` findings: each key of `keys` (the processes of the files at hand, with their file)
 * that reads like another key of the library or of the files, but is not it.
 */
export function lookalikeKeyFindings(keys: { key: string; file: string }[], libraryKeys: readonly string[]): Finding[] {
  const all = [...new Set([...libraryKeys, ...keys.map(({ key }) => key)])];
  const bySkeleton = new Map<string, string[]>();
  for (const key of all) bySkeleton.set(keySkeleton(key), [...(bySkeleton.get(keySkeleton(key)) ?? []), key]);
  return keys.flatMap(({ key, file }) => {
    const others = (bySkeleton.get(keySkeleton(key)) ?? []).filter((other) => other !== key);
    if (!others.length) return [];
    return [{
      file, elementId: key, rule: 'process-key-lookalike', severity: 'error' as const,
      message: `process "${key}" ${describe(key)} reads like ${others.map((other) => `"${other}"`).join(', ')}, which is another process: ` +
        'a call activity naming one could not be told from one naming the other, in the diagram, the library or the deploy dialog. Give it a key that reads differently',
    }];
  });
}

/** `(with U+043E CYRILLIC … at 8)`-like detail: the characters outside ASCII, by code point. */
function describe(key: string): string {
  const unusual = [...key].map((char, index) => ({ char, index })).filter(({ char }) => char.codePointAt(0)! > 0x7e);
  if (!unusual.length) return '(in another case)';
  return `(with ${unusual.map(({ char, index }) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} at character ${index + 1}`).join(', ')})`;
}
