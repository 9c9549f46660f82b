// The comparisons of a variable with a constant in a FEEL expression, read
// from feelin's parse tree: `reportingAmount > 500000`, `500000 < change.amount`
// (read as `change.amount > 500000`), `paymentTerms != "prepaid-at-entry"`,
// and the two bounds of `amount between 500000 and 1000000`. What the impact
// report matches a moved threshold against (impact/related-conditions.ts).
// Browser-safe.
import { cleanExpressionTree, type FeelTreeNode as TreeNode } from './feel-tree.js';

export type ComparisonOperator = '<' | '<=' | '>' | '>=' | '=' | '!=';

export interface ConstantComparison {
  /** The variable path compared: `reportingAmount`, `change.amount`. */
  variable: string;
  /** As if the variable were written first: `500000 < amount` is `>`. */
  operator: ComparisonOperator;
  /** The constant's value: a number or a string. */
  constant: number | string;
  /** The constant as written: `500000`, `"prepaid-at-entry"`. */
  literal: string;
  /** The comparison as written (for `between`, the whole of it). */
  text: string;
}

const MIRRORED: Record<ComparisonOperator, ComparisonOperator> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=', '!=': '!=' };

/**
 * Every comparison of a variable path with a number or string literal in the FEEL `body` (without `=`), in
 * the order written; none for text that does not parse, and none of a name the expression binds itself
 * (`x` in `some x in items satisfies x > 5`). A comparison of two variables, or of a computed value, has no constant.
 */
export function constantComparisonsIn(body: string): ConstantComparison[] {
  const tree = cleanExpressionTree(body);
  if (!tree) return [];
  const found: ConstantComparison[] = [];
  const bound = new Set<string>();
  walk(tree, (node) => {
    if (node.type.name === 'Name') bound.add(body.slice(node.from, node.to));
    if (node.type.name === 'Comparison') found.push(...comparisonsOf(node, body));
  });
  return found.filter((comparison) => !bound.has(comparison.variable.split('.')[0]));
}

/** The variable path an expression is and nothing else (`changeReportingAmount`, `change.amount`), else undefined. */
export function variablePathOf(body: string): string | undefined {
  const tree = cleanExpressionTree(body);
  const parts = tree ? children(tree) : [];
  return parts.length === 1 ? pathOf(parts[0], body) : undefined;
}

// helpers

function comparisonsOf(node: TreeNode, body: string): ConstantComparison[] {
  const parts = children(node);
  const text = body.slice(node.from, node.to);
  if (parts.length === 3 && parts[1].type.name === 'CompareOp') {
    const operator = body.slice(parts[1].from, parts[1].to) as ComparisonOperator;
    const left = pathOf(parts[0], body);
    const right = pathOf(parts[2], body);
    if (left !== undefined) return compared(left, operator, parts[2], body, text);
    if (right !== undefined) return compared(right, MIRRORED[operator], parts[0], body, text);
    return [];
  }
  // `x between low and high`: x >= low and x <= high
  if (parts.length === 5 && parts[1].type.name === 'between') {
    const variable = pathOf(parts[0], body);
    if (variable === undefined) return [];
    return [...compared(variable, '>=', parts[2], body, text), ...compared(variable, '<=', parts[4], body, text)];
  }
  return [];
}

function compared(variable: string, operator: ComparisonOperator, literalNode: TreeNode, body: string, text: string): ConstantComparison[] {
  const literal = body.slice(literalNode.from, literalNode.to);
  const constant = literalValue(literalNode.type.name, literal);
  return constant === undefined || !(operator in MIRRORED) ? [] : [{ variable, operator, constant, literal, text }];
}

function literalValue(type: string, literal: string): number | string | undefined {
  if (type === 'NumericLiteral') {
    const value = Number(literal);
    return Number.isFinite(value) ? value : undefined;
  }
  if (type !== 'StringLiteral') return undefined;
  try {
    return JSON.parse(literal) as string;
  } catch {
    return literal.slice(1, -1);
  }
}

/** `a` or `a.b.c` when the node is a plain variable or a path of plain names on one, else undefined. */
function pathOf(node: TreeNode, body: string): string | undefined {
  const parts = children(node);
  if (node.type.name === 'VariableName') {
    return parts.length === 1 && parts[0].type.name === 'Identifier' ? body.slice(node.from, node.to) : undefined;
  }
  if (node.type.name !== 'PathExpression' || parts.length !== 3 || parts[2].type.name !== 'PathName') return undefined;
  const base = pathOf(parts[0], body);
  return base === undefined ? undefined : `${base}.${body.slice(parts[2].from, parts[2].to)}`;
}

function children(node: TreeNode): TreeNode[] {
  const parts: TreeNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) parts.push(child);
  return parts;
}

function walk(node: TreeNode, visit: (node: TreeNode) => void): void {
  visit(node);
  for (let child = node.firstChild; child; child = child.nextSibling) walk(child, visit);
}
