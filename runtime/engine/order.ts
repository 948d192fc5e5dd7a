// The order decide() visits units in: a unit's MachineOf targets before it (a follower
// can only go where its target already is) and a replacing unit before the units it
// replaces (so it can claim their machine and push them on); otherwise by name. Units on
// a cycle of such edges come last, by name, and are reported by decide().
import { type GlobCache, NameIndex } from "./glob";
import { MinHeap } from "./heap";
import type { Rules } from "./model";

export interface Ordering {
  /** Unit name → position in the visiting order. */
  readonly rank: ReadonlyMap<string, number>;
  readonly order: readonly string[];
  /** Target → the units whose MachineOf names it. */
  readonly followers: ReadonlyMap<string, readonly string[]>;
}

/** `units`: the active, valid units, iterated in name order (decide() builds it so). */
export function planOrder(units: ReadonlyMap<string, Rules>, globs: GlobCache): Ordering {
  const names = [...units.keys()];
  const index = new Map<string, number>();
  names.forEach((n, i) => index.set(n, i));
  // Only Replaces needs the index; most clusters declare none, so it is built on demand.
  let nonGlobalIndex: NameIndex | undefined;
  const nonGlobal = () => (nonGlobalIndex ??= new NameIndex(names.filter((n) => !units.get(n)!.global), globs));
  let edges = 0;
  const after: number[][] = names.map(() => []); // edge a → b: visit a before b
  const indegree = new Array<number>(names.length).fill(0);
  const followers = new Map<string, string[]>();
  const edge = (from: number, to: number) => {
    after[from]!.push(to);
    indegree[to]!++;
    edges++;
  };
  names.forEach((name, i) => {
    const rules = units.get(name)!;
    for (const target of new Set(rules.machineOf)) {
      let f = followers.get(target);
      if (!f) followers.set(target, (f = []));
      f.push(name);
      const t = index.get(target);
      if (t !== undefined && t !== i) edge(t, i);
    }
    if (rules.global || rules.replaces.length === 0) return;
    for (const replaced of replacedBy(name, rules, nonGlobal(), units, globs)) edge(i, index.get(replaced)!);
  });
  // Without edges the topological order is the name order itself.
  const order = edges === 0 ? names : kahn(indegree, after).map((i) => names[i]!);
  const rank = new Map<string, number>();
  order.forEach((n, r) => rank.set(n, r));
  return { rank, order, followers };
}

/** Units `name` replaces, one way only: a mutual pair blocks itself like a conflict. */
function replacedBy(name: string, rules: Rules, index: NameIndex, units: ReadonlyMap<string, Rules>, globs: GlobCache): Set<string> {
  const out = new Set<string>();
  for (const g of rules.replaces) {
    for (const other of index.match(g)) {
      if (other !== name && !globs.any(units.get(other)!.replaces, name)) out.add(other);
    }
  }
  return out;
}

/** Topological order over indices (index order = name order breaks ties); cycles last. */
function kahn(indegree: number[], after: readonly number[][]): number[] {
  const ready = new MinHeap<number>((a, b) => a < b);
  indegree.forEach((d, i) => d === 0 && ready.push(i));
  const order: number[] = [];
  const done = new Uint8Array(indegree.length);
  for (let i = ready.pop(); i !== undefined; i = ready.pop()) {
    done[i] = 1;
    order.push(i);
    for (const next of after[i]!) if (--indegree[next]! === 0) ready.push(next);
  }
  for (let i = 0; i < indegree.length; i++) if (!done[i]) order.push(i);
  return order;
}
