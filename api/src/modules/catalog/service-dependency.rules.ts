/** Walks service dependencies in memory: catalogs hold hundreds of services, not millions. */
export interface DependencyEdge {
  serviceId: string;
  dependsOnId: string;
}

export class DependencyGraph {
  private readonly dependents = new Map<string, string[]>();
  private readonly dependencies = new Map<string, string[]>();

  constructor(edges: readonly DependencyEdge[]) {
    for (const e of edges) {
      push(this.dependents, e.dependsOnId, e.serviceId);
      push(this.dependencies, e.serviceId, e.dependsOnId);
    }
  }

  /** Services that depend on any of `ids`, directly or through others (not `ids` themselves). */
  dependentsOf(ids: Iterable<string>): Set<string> {
    return walk(this.dependents, ids);
  }

  /** Services any of `ids` depend on, directly or through others (not `ids` themselves). */
  dependenciesOf(ids: Iterable<string>): Set<string> {
    return walk(this.dependencies, ids);
  }

  /** True when adding serviceId → dependsOnId would close a cycle. */
  wouldCycle(serviceId: string, dependsOnId: string): boolean {
    return serviceId === dependsOnId || this.dependenciesOf([dependsOnId]).has(serviceId);
  }
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function walk(next: Map<string, string[]>, start: Iterable<string>): Set<string> {
  const origin = new Set(start);
  const seen = new Set<string>();
  const stack = [...origin];
  while (stack.length) {
    for (const n of next.get(stack.pop()!) ?? []) {
      if (seen.has(n) || origin.has(n)) continue;
      seen.add(n);
      stack.push(n);
    }
  }
  return seen;
}
