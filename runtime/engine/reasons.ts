// Why a unit could not be placed, in words an operator acts on (`list-units` and
// `status` show it). Computed only for units decide() failed to place, by walking the
// same filters in order — machine set, MachineID, MachineOf, MachineMetadata, conflicts —
// and naming the first one that left no machine.
import type { Rules, SchedMachine, SchedUnit } from "./model";
import type { Blocker, Occupancy, Occupant } from "./occupancy";
import type { GlobCache } from "./glob";

export interface ReasonView {
  readonly machines: readonly SchedMachine[];
  readonly occ: Occupancy;
  readonly units: ReadonlyMap<string, SchedUnit>;
  readonly active: ReadonlyMap<string, Rules>;
  readonly globs: GlobCache;
  /** MachineID and MachineMetadata hold on machine index m. */
  readonly metadataFit: (m: number) => boolean;
}

const LIST_MAX = 3;

/**
 * The MachineOf target a unit's own Replaces matches, if any. Such a unit can never run:
 * it must share the target's machine and push the target off it. decide() never fits it
 * (placing it displaced units, then it left with its target: decide was not stable), and
 * this is the reason it gives. Global units displace nothing, so none applies to them.
 */
export function ownReplacedTarget(rules: Rules, globs: GlobCache): string | undefined {
  if (rules.global || rules.replaces.length === 0) return undefined;
  return rules.machineOf.find((t) => globs.any(rules.replaces, t));
}

export function explainUnplaced(u: Occupant, view: ReasonView): string {
  if (view.machines.length === 0) return "no machines in the cluster";
  const { machineId, machineOf } = u.rules;
  let candidates = view.machines.map((_, i) => i);
  let narrowed = false;
  if (machineId !== undefined) {
    const m = view.occ.indexOf(machineId);
    if (m === undefined) return `waiting for MachineID ${machineId}, which is not a live machine`;
    candidates = [m];
    narrowed = true;
  }
  if (machineOf.length > 0) {
    const own = ownReplacedTarget(u.rules, view.globs);
    if (own !== undefined) return `Replaces matches its own MachineOf target ${own}: it would push away the unit it must run with`;
    const waiting = waitingFor(u.name, machineOf, view);
    if (waiting) return waiting;
    candidates = candidates.filter((m) => machineOf.every((t) => view.occ.isHosting(m, t)));
    if (candidates.length === 0) return `MachineOf targets ${list(machineOf)} are not on one machine`;
    narrowed = true;
  }
  const matching = candidates.filter(view.metadataFit);
  if (matching.length === 0) return noMetadataMatch(u.rules, narrowed ? candidates : undefined, view);
  const blockers = matching.map((m) => view.occ.blocker(m, u)).filter((b): b is Blocker => b !== undefined);
  if (blockers.length < matching.length) return "no eligible machine"; // unreachable unless decide and this walk disagree
  const where = matching.length === 1 ? `its only eligible machine ${view.machines[matching[0]!]!.id}` : "every eligible machine";
  const conflicts = uniq(blockers.filter((b) => b.kind === "conflict").map((b) => b.unit));
  const replacers = uniq(blockers.filter((b) => b.kind === "replaced").map((b) => b.unit));
  const parts = [];
  if (conflicts.length > 0) parts.push(`conflicts with ${list(conflicts)}`);
  if (replacers.length > 0) parts.push(`is replaced by ${list(replacers)}`);
  return `${parts.join(" and ")} on ${where}`;
}

function waitingFor(name: string, targets: readonly string[], view: ReasonView): string | undefined {
  for (const t of targets) {
    const target = view.units.get(t);
    if (!target) return `waiting for MachineOf target ${t}, which is not submitted`;
    if (target.desiredState === "inactive") return `waiting for MachineOf target ${t}, which is inactive`;
    if (target.kind === "invalid") return `waiting for MachineOf target ${t}, which has invalid [X-Fleet] options`;
    if (view.occ.hosts(t).length > 0) continue;
    const loop = cycle(name, view);
    if (loop) return `MachineOf cycle: ${loop}`;
    return `waiting for MachineOf target ${t}, which is not placed`;
  }
  return undefined;
}

/** `a → b → a` when following unplaced MachineOf targets from `start` leads back to it. */
function cycle(start: string, view: ReasonView): string | undefined {
  const path = [start];
  const seen = new Set(path);
  for (let cur = start; ; ) {
    const next = view.active.get(cur)?.machineOf.find((t) => view.active.has(t) && view.occ.hosts(t).length === 0);
    if (next === undefined) return undefined;
    path.push(next);
    if (next === start) return path.join(" → ");
    if (seen.has(next)) return undefined;
    seen.add(next);
    cur = next;
  }
}

/** `candidates`: the machines MachineID/MachineOf left, undefined when they did not narrow. */
function noMetadataMatch(rules: Rules, candidates: readonly number[] | undefined, view: ReasonView): string {
  const wanted = `MachineMetadata ${formatMetadata(rules.metadata)}`;
  if (!candidates) return `no machine matches ${wanted}`;
  const ids = candidates.map((m) => view.machines[m]!.id);
  if (rules.machineOf.length > 0) return `machine ${list(ids)} of MachineOf target ${list(rules.machineOf)} does not match ${wanted}`;
  return `machine ${list(ids)} does not match ${wanted}`;
}

/** `disk=ssd and region=eu|us`: keys AND-ed, a key's accepted values OR-ed. */
export function formatMetadata(metadata: Readonly<Record<string, readonly string[]>>): string {
  return Object.keys(metadata)
    .sort()
    .map((k) => `${k}=${metadata[k]!.join("|")}`)
    .join(" and ");
}

function uniq(names: string[]): string[] {
  return [...new Set(names)].sort();
}

function list(names: readonly string[]): string {
  if (names.length <= LIST_MAX) return names.join(", ");
  return `${names.slice(0, LIST_MAX).join(", ")} and ${names.length - LIST_MAX} more`;
}
