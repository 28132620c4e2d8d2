/**
 * Calls and publishes between services, kept acyclic: the workload schema refuses services that call each other in a
 * cycle, so an edge that would close one is refused and the caller keeps that subtree inline.
 */
export class ServiceGraph {
  private readonly edges = new Map<string, Set<string>>();

  /** True when `from → to` is in the graph or could be added without a cycle (and then it is added). */
  allow(from: string, to: string): boolean {
    if (this.edges.get(from)?.has(to)) return true;
    if (from === to || this.reaches(to, from)) return false;
    const out = this.edges.get(from) ?? new Set<string>();
    out.add(to);
    this.edges.set(from, out);
    return true;
  }

  private reaches(from: string, to: string): boolean {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (next === to) return true;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...(this.edges.get(next) ?? []));
    }
    return false;
  }
}
