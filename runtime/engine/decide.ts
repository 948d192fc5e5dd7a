// The scheduler: a pure function from a cluster snapshot to where every unit should be.
// Deterministic (the same snapshot always gives the same decision) and stable: a valid
// existing placement is never moved, so running units are not shuffled.
//
// Two passes, as fleet's reconciler (engine/reconciler.go) does, over units in the order
// planOrder() gives (MachineOf targets and replacing units first, then by name):
//   keep  — each current placement survives if its machine is alive, the unit is still
//           loaded|launched and it still fits (MachineID, MachineMetadata, MachineOf
//           target beside it, no conflict with what was kept before it);
//   place — units without a placement go to the least-loaded machine they fit on, ties
//           broken by machine id; global units are added to every machine they fit on.
//           A unit landing where a unit it Replaces sits pushes that unit (and the
//           units following it by MachineOf) back into the queue to go elsewhere.
// "Fits" never scans the cluster: see occupancy.ts for the per-machine indexes.
import { byCodeUnit, GlobCache } from "./glob";
import { MinHeap } from "./heap";
import { isActive, type Decision, type Rules, type SchedMachine, type SchedUnit, type Snapshot } from "./model";
import { Occupancy, type Occupant } from "./occupancy";
import { planOrder, type Ordering } from "./order";
import { explainUnplaced, ownReplacedTarget } from "./reasons";

/** How often one unit may be pushed away by Replaces in one decide before it gives up. */
const MAX_DISPLACEMENTS = 2;

export function decide(snapshot: Snapshot): Decision {
  const globs = new GlobCache();
  const machines = [...snapshot.machines].sort((a, b) => byCodeUnit(a.id, b.id));
  const units = new Map<string, SchedUnit>();
  // Units read by a range arrive in name order already; sort only when they are not.
  const inOrder = snapshot.units.every((u, i, all) => i === 0 || byCodeUnit(all[i - 1]!.name, u.name) < 0);
  for (const u of inOrder ? snapshot.units : [...snapshot.units].sort((a, b) => byCodeUnit(a.name, b.name))) units.set(u.name, u);
  const active = new Map<string, Rules>();
  const unschedulable = new Map<string, string>();
  for (const u of units.values()) {
    if (!isActive(u.desiredState)) continue;
    if (u.kind === "valid") active.set(u.name, u.rules);
    else unschedulable.set(u.name, `invalid [X-Fleet] options: ${u.problem}`);
  }
  const run = new Run(machines, units, active, globs, planOrder(active, globs), unschedulable);
  run.keep(snapshot.current);
  run.place();
  return { assignments: run.assignments(), unschedulable };
}

class Run {
  private readonly occ: Occupancy;
  /** Ranks (positions in ordering.order) of units waiting to be placed. */
  private readonly queue = new MinHeap<number>((a, b) => a < b);
  private readonly queued = new Set<string>();
  private readonly displacements = new Map<string, number>();

  constructor(
    private readonly machines: readonly SchedMachine[],
    private readonly units: ReadonlyMap<string, SchedUnit>,
    private readonly active: ReadonlyMap<string, Rules>,
    private readonly globs: GlobCache,
    private readonly ordering: Ordering,
    private readonly unschedulable: Map<string, string>,
  ) {
    this.occ = new Occupancy(machines, globs);
  }

  keep(current: ReadonlyMap<string, readonly string[]>): void {
    for (const name of this.ordering.order) {
      const u: Occupant = { name, rules: this.active.get(name)! };
      const hosts = (current.get(name) ?? [])
        .map((id) => this.occ.indexOf(id))
        .filter((m): m is number => m !== undefined)
        .sort((a, b) => a - b);
      for (const m of hosts) {
        if (!this.fits(m, u)) continue;
        this.occ.add(m, u);
        if (!u.rules.global) break; // a non-global unit keeps one machine at most
      }
    }
  }

  place(): void {
    for (const name of this.ordering.order) {
      if (this.active.get(name)!.global || this.occ.hostCount(name) === 0) this.enqueue(name);
    }
    for (let r = this.queue.pop(); r !== undefined; r = this.queue.pop()) {
      const name = this.ordering.order[r]!;
      this.queued.delete(name);
      const u: Occupant = { name, rules: this.active.get(name)! };
      if (u.rules.global) this.placeGlobal(u);
      else if (this.occ.hostCount(name) === 0) this.placeOne(u);
      if (this.occ.hostCount(name) > 0) this.unschedulable.delete(name);
      else this.unschedulable.set(name, this.explain(u));
    }
  }

  assignments(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const name of this.ordering.order) {
      const hosts = this.occ.hosts(name);
      if (hosts.length > 0) out.set(name, hosts.map((m) => this.machines[m]!.id));
    }
    return out;
  }

  private placeGlobal(u: Occupant): void {
    for (let m = 0; m < this.machines.length; m++) {
      if (!this.occ.isHosting(m, u.name) && this.fits(m, u)) this.occ.add(m, u);
    }
  }

  private placeOne(u: Occupant): void {
    if ((this.displacements.get(u.name) ?? 0) > MAX_DISPLACEMENTS) return;
    const m = this.choose(u);
    if (m === undefined) return;
    this.occ.add(m, u);
    for (const pushed of this.occ.displacedBy(m, u)) this.evict(m, pushed);
  }

  /** The least-loaded machine `u` fits on, ties by id. */
  private choose(u: Occupant): number | undefined {
    const { machineId, machineOf } = u.rules;
    if (machineId !== undefined || machineOf.length > 0) {
      const candidates =
        machineId !== undefined ? [this.occ.indexOf(machineId)].filter((m): m is number => m !== undefined) : this.occ.hosts(machineOf[0]!);
      let best: number | undefined;
      for (const m of candidates) {
        if (!this.fits(m, u)) continue;
        if (best === undefined || this.occ.load(m) < this.occ.load(best)) best = m;
      }
      return best;
    }
    for (const m of this.occ.leastLoaded()) if (this.fits(m, u)) return m;
    return undefined;
  }

  private evict(m: number, name: string): void {
    this.occ.remove(m, name);
    this.displacements.set(name, (this.displacements.get(name) ?? 0) + 1);
    this.enqueue(name);
    for (const f of this.occ.followersOn(m, name)) this.evict(m, f);
  }

  private enqueue(name: string): void {
    if (this.queued.has(name)) return;
    this.queued.add(name);
    this.queue.push(this.ordering.rank.get(name)!);
  }

  private fits(m: number, u: Occupant): boolean {
    return (
      this.staticFit(this.machines[m]!, u.rules) &&
      u.rules.machineOf.every((t) => this.occ.isHosting(m, t)) &&
      ownReplacedTarget(u.rules, this.globs) === undefined &&
      !this.occ.blocker(m, u)
    );
  }

  private staticFit(machine: SchedMachine, rules: Rules): boolean {
    if (rules.machineId !== undefined && rules.machineId !== machine.id) return false;
    return matchesMetadata(machine, rules.metadata);
  }

  private explain(u: Occupant): string {
    if ((this.displacements.get(u.name) ?? 0) > MAX_DISPLACEMENTS) {
      return `pushed away more than ${MAX_DISPLACEMENTS} times by units that Replace it; check for a Replaces cycle`;
    }
    return explainUnplaced(u, {
      machines: this.machines,
      occ: this.occ,
      units: this.units,
      active: this.active,
      globs: this.globs,
      metadataFit: (m) => this.staticFit(this.machines[m]!, u.rules),
    });
  }
}

/** fleet's HasMetadata: every key present with one of its accepted values. */
export function matchesMetadata(machine: SchedMachine, wanted: Readonly<Record<string, readonly string[]>>): boolean {
  for (const key in wanted) {
    const have = Object.hasOwn(machine.metadata, key) ? machine.metadata[key] : undefined;
    if (have === undefined || !wanted[key]!.includes(have)) return false;
  }
  return true;
}
