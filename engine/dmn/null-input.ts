// Input entries that cannot compare a null input. FEEL gives null for `null > 1000000` and for `null in [1..5]`,
// and Stratum's conditions fail on it ("gave null, not true or false"), but feelin's unary tests read it as no
// match (`> 1000000`, `[1..5]`) or as a match (`not(> 1000000)`, `? < 500000`, where null "equals" the null the
// comparison gave). In an approval-tier table either lets a missing amount fall through to the catch-all rule,
// and the order is approved automatically. So a null input tested by an ordering comparison or a range is an
// error, as the same comparison in a condition is; `-`, `null`, `not(null)` and equality tests (`"gold"`, FEEL's
// `null = "gold"` is false) read a null input as FEEL and Camunda do. Browser-safe.
import { parseUnaryTests } from 'feelin';

const ORDERING = new Set(['<', '>', '<=', '>=']);
const CACHE_LIMIT = 5000;
const ordering = new Map<string, boolean>();

/** Whether input entry `text` compares its input by order (`< x`, `>= x`, `[a..b]`, `? > x`, inside `not(…)` too). */
export function comparesByOrder(text: string): boolean {
  let found = ordering.get(text);
  if (found !== undefined) return found;
  found = false;
  try {
    parseUnaryTests(text, {}, undefined).iterate({
      enter: (node) => {
        if (node.name === 'Interval' || (node.name === 'CompareOp' && ORDERING.has(text.slice(node.from, node.to)))) found = true;
        return !found;
      },
    });
  } catch {
    // an entry that does not parse fails when it is evaluated, with the parser's message
  }
  if (ordering.size >= CACHE_LIMIT) ordering.clear();
  ordering.set(text, found);
  return found;
}
