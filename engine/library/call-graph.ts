// Levels are the call graph: a process nobody calls is level 1, a process
// called from level n is level n+1 (the shortest path from a root wins when
// several callers sit at different levels). Browser-safe.

export interface CallGraphNode {
  key: string;
  calls: string[];
}

export interface CallGraphPosition {
  level: number;
  calledBy: string[];
}

export function analyseCallGraph(nodes: CallGraphNode[]): Map<string, CallGraphPosition> {
  const keys = new Set(nodes.map((node) => node.key));
  const calledBy = new Map<string, string[]>([...keys].map((key) => [key, []]));
  for (const node of nodes) {
    for (const callee of node.calls) {
      if (callee !== node.key && keys.has(callee)) calledBy.get(callee)!.push(node.key);
    }
  }
  const level = new Map<string, number>();
  const queue = [...keys].filter((key) => calledBy.get(key)!.length === 0);
  for (const root of queue) level.set(root, 1);
  const callsOf = new Map(nodes.map((node) => [node.key, node.calls]));
  for (let index = 0; index < queue.length; index++) {
    const key = queue[index];
    for (const callee of callsOf.get(key) ?? []) {
      if (!keys.has(callee) || level.has(callee)) continue;
      level.set(callee, level.get(key)! + 1);
      queue.push(callee);
    }
  }
  const positions = new Map<string, CallGraphPosition>();
  for (const key of keys) {
    // Processes only reachable through a cycle have no root above them.
    positions.set(key, { level: level.get(key) ?? 1, calledBy: calledBy.get(key)!.sort() });
  }
  return positions;
}
