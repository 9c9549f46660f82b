// feelin's parse tree of a FEEL text, kept per text: the syntax check, the variables and paths it reads, its
// compiled form, its built-in calls, its tests and its loop budget each read the same tree, and parsed it again
// (five to seven parses of each gateway condition when a library is deployed).
import { parseExpression, parseUnaryTests } from 'feelin';

export type FeelDialect = 'expression' | 'unary-tests';
type Tree = ReturnType<typeof parseExpression>;

/** Trees of the texts parsed last, by dialect: a library has a few hundred, and a tree is small. */
const TREE_LIMIT = 1000;
const trees: Record<FeelDialect, Map<string, { tree: Tree } | { error: unknown }>> = { 'expression': new Map(), 'unary-tests': new Map() };

/** feelin's tree of `source` (parsed without variables); throws what parsing threw, every time it is asked. */
export function parsedFeel(source: string, dialect: FeelDialect = 'expression'): Tree {
  const cache = trees[dialect];
  let parsed = cache.get(source);
  if (!parsed) {
    try {
      parsed = { tree: dialect === 'expression' ? parseExpression(source, {}, undefined) : parseUnaryTests(source, {}, undefined) };
    } catch (error) {
      parsed = { error };
    }
    if (cache.size >= TREE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(source, parsed);
  }
  if ('error' in parsed) throw parsed.error;
  return parsed.tree;
}
