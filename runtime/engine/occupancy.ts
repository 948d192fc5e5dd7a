// Who sits on which machine while decide() works, with the indexes that keep each
// placement check proportional to one machine's contents (never to the whole cluster):
// per machine the names present and the Conflicts/Replaces globs its units declare, and
// all machines kept ordered by (load, id) so "least loaded" is the first eligible entry.
import { type GlobCache, isLiteral } from "./glob";
import type { Rules, SchedMachine } from "./model";

export interface Occupant {
  readonly name: string;
  readonly rules: Rules;
}

/** Why a machine cannot take a unit: the unit already there that is in the way. */
export type Blocker =
  | { readonly kind: "conflict"; readonly unit: string }
  | { readonly kind: "replaced"; readonly unit: string };

interface Slot {
  readonly units: Map<string, Rules>;
  /** Conflicts globs declared by the units here, with how many units declare each. */
  readonly conflictGlobs: Map<string, number>;
  /** Replaces globs declared by the (non-global) units here. */
  readonly replaceGlobs: Map<string, number>;
}

export class Occupancy {
  private readonly slots: Slot[];
  private readonly position = new Map<string, number>();
  /** Machine indices sorted by (unit count, index); index order is id order. */
  private readonly byLoad: number[];
  private readonly where = new Map<string, Set<number>>();

  /** `machines` must be sorted by id. */
  constructor(
    readonly machines: readonly SchedMachine[],
    private readonly globs: GlobCache,
  ) {
    this.slots = machines.map(() => ({ units: new Map(), conflictGlobs: new Map(), replaceGlobs: new Map() }));
    machines.forEach((m, i) => this.position.set(m.id, i));
    this.byLoad = machines.map((_, i) => i);
  }

  indexOf(machineId: string): number | undefined {
    return this.position.get(machineId);
  }

  /** Machine indices hosting `unit`, in id order. */
  hosts(unit: string): number[] {
    const s = this.where.get(unit);
    return s ? [...s].sort((a, b) => a - b) : [];
  }

  hostCount(unit: string): number {
    return this.where.get(unit)?.size ?? 0;
  }

  isHosting(m: number, unit: string): boolean {
    return this.slots[m]!.units.has(unit);
  }

  load(m: number): number {
    return this.slots[m]!.units.size;
  }

  /** Machine indices from least to most loaded, ties by id. Do not add/remove while iterating. */
  leastLoaded(): readonly number[] {
    return this.byLoad;
  }

  /** The first unit on `m` in the way of `u` (conflict either way, or a unit replacing it). */
  blocker(m: number, u: Occupant): Blocker | undefined {
    const slot = this.slots[m]!;
    for (const g of slot.conflictGlobs.keys()) {
      if (!this.globs.matches(g, u.name)) continue;
      const by = this.declarer(slot, u.name, (r) => r.conflicts.includes(g));
      if (by) return { kind: "conflict", unit: by };
    }
    for (const g of u.rules.conflicts) {
      const hit = this.firstMatch(slot, g, u.name);
      if (hit) return { kind: "conflict", unit: hit };
    }
    if (u.rules.global) return undefined; // global units are never displaced
    for (const g of slot.replaceGlobs.keys()) {
      if (!this.globs.matches(g, u.name)) continue;
      const by = this.declarer(slot, u.name, (r) => r.replaces.includes(g));
      if (by) return { kind: "replaced", unit: by };
    }
    return undefined;
  }

  /** Non-global units on `m` that `u` pushes away by its Replaces globs. */
  displacedBy(m: number, u: Occupant): string[] {
    if (u.rules.replaces.length === 0) return [];
    const out: string[] = [];
    for (const [name, rules] of this.slots[m]!.units) {
      if (name !== u.name && !rules.global && this.globs.any(u.rules.replaces, name)) out.push(name);
    }
    return out;
  }

  add(m: number, u: Occupant): void {
    const slot = this.slots[m]!;
    if (slot.units.has(u.name)) return;
    this.reposition(m, () => slot.units.set(u.name, u.rules));
    for (const g of u.rules.conflicts) bump(slot.conflictGlobs, g, 1);
    if (!u.rules.global) for (const g of u.rules.replaces) bump(slot.replaceGlobs, g, 1);
    let w = this.where.get(u.name);
    if (!w) this.where.set(u.name, (w = new Set()));
    w.add(m);
  }

  remove(m: number, name: string): void {
    const slot = this.slots[m]!;
    const rules = slot.units.get(name);
    if (!rules) return;
    this.reposition(m, () => slot.units.delete(name));
    for (const g of rules.conflicts) bump(slot.conflictGlobs, g, -1);
    if (!rules.global) for (const g of rules.replaces) bump(slot.replaceGlobs, g, -1);
    this.where.get(name)?.delete(m);
  }

  /** Names on `m` whose MachineOf lists `target`. */
  followersOn(m: number, target: string): string[] {
    const out: string[] = [];
    for (const [name, rules] of this.slots[m]!.units) if (rules.machineOf.includes(target)) out.push(name);
    return out;
  }

  private declarer(slot: Slot, except: string, declares: (r: Rules) => boolean): string | undefined {
    for (const [name, rules] of slot.units) if (name !== except && declares(rules)) return name;
    return undefined;
  }

  private firstMatch(slot: Slot, pattern: string, except: string): string | undefined {
    if (isLiteral(pattern)) return pattern !== except && slot.units.has(pattern) ? pattern : undefined;
    const m = this.globs.matcher(pattern);
    for (const name of slot.units.keys()) if (name !== except && m(name)) return name;
    return undefined;
  }

  /** Runs `change` (which alters m's load) keeping byLoad sorted. */
  private reposition(m: number, change: () => void): void {
    this.byLoad.splice(this.find(m), 1);
    change();
    this.byLoad.splice(this.lowerBound(this.load(m), m), 0, m);
  }

  private find(m: number): number {
    const i = this.lowerBound(this.load(m), m);
    if (this.byLoad[i] !== m) throw new Error(`occupancy index corrupt at machine ${m}`);
    return i;
  }

  private lowerBound(load: number, m: number): number {
    let lo = 0;
    let hi = this.byLoad.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const x = this.byLoad[mid]!;
      const lx = this.load(x);
      if (lx < load || (lx === load && x < m)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function bump(map: Map<string, number>, key: string, by: number): void {
  const n = (map.get(key) ?? 0) + by;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}
