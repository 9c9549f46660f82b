// feelin's parse tree of a FEEL expression, for the modules that read its shape
// (the compiled subset, the comparisons impact reads): parsed without
// variables, and only where it parses without an error node.
import { parsedFeel } from './parsed-feel.js';

/** The parts of a lezer node these readers use (feelin ships its tree untyped for them). */
export interface FeelTreeNode {
  type: { name: string; isError: boolean; isSkipped: boolean };
  from: number;
  to: number;
  firstChild: FeelTreeNode | null;
  nextSibling: FeelTreeNode | null;
}

/** The top `Expression` node of `source`, or undefined where it does not parse or its tree holds an error. */
export function cleanExpressionTree(source: string): FeelTreeNode | undefined {
  let tree;
  try {
    tree = parsedFeel(source);
  } catch {
    return undefined;
  }
  let broken = false;
  tree.iterate({ enter: (node) => void (broken ||= node.type.isError) });
  return broken ? undefined : tree.topNode;
}
