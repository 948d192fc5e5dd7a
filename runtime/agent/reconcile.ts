// The agent's decision step, pure: desired assignments minus what the executor reports
// becomes an ordered task list, each task with its reason. A separate step applies it.
// Order: stop and unload what must go first (frees the machine, and a replaced unit
// must stop before its new version loads), then load, then start.
import type { UnitSpec, UnitStatus } from "../executor/types";

export interface DesiredUnit extends UnitSpec {
  readonly desiredState: "loaded" | "launched";
  readonly global: boolean;
}

export type Task =
  | { readonly kind: "stop"; readonly unit: string; readonly reason: string }
  | { readonly kind: "unload"; readonly unit: string; readonly reason: string }
  | { readonly kind: "load"; readonly unit: string; readonly spec: UnitSpec; readonly reason: string }
  | { readonly kind: "start"; readonly unit: string; readonly reason: string };

export interface ReconcileInput {
  readonly desired: readonly DesiredUnit[];
  readonly actual: readonly UnitStatus[];
  /**
   * Units this agent has started under the given hash and not stopped since. A unit is
   * started once per launch, as fleet does: a oneshot that finished or a service that
   * failed is left to systemd's Restart= policy, not restarted by every reconcile.
   */
  readonly launched: ReadonlyMap<string, string>;
  /** The lease may be lost: lease-bound (non-global) units must not run. */
  readonly fenced: boolean;
}

const RUNNING = new Set(["active", "activating", "reloading", "deactivating"]);

export function isRunning(s: UnitStatus | undefined): boolean {
  return s !== undefined && RUNNING.has(s.activeState);
}

export function plan(input: ReconcileInput): Task[] {
  const stops: Task[] = [];
  const unloads: Task[] = [];
  const loads: Task[] = [];
  const starts: Task[] = [];
  const actual = new Map(input.actual.map((s) => [s.name, s]));
  const wanted = new Map<string, DesiredUnit>();
  for (const d of input.desired) if (!input.fenced || d.global) wanted.set(d.name, d);

  for (const s of input.actual) {
    if (wanted.has(s.name)) continue;
    const why = input.fenced && input.desired.some((d) => d.name === s.name) ? "machine lease at risk" : "no longer assigned here";
    if (isRunning(s) || input.launched.has(s.name)) stops.push({ kind: "stop", unit: s.name, reason: why });
    unloads.push({ kind: "unload", unit: s.name, reason: why });
  }

  for (const d of wanted.values()) {
    const cur = actual.get(d.name);
    const stale = cur !== undefined && cur.hash !== d.hash;
    if (stale && (isRunning(cur) || input.launched.has(d.name))) {
      stops.push({ kind: "stop", unit: d.name, reason: "unit replaced with new contents" });
    }
    if (!cur || stale) loads.push({ kind: "load", unit: d.name, spec: d, reason: stale ? "new contents" : "assigned here" });
    const launchedHash = input.launched.get(d.name);
    if (d.desiredState === "launched") {
      if (stale || launchedHash !== d.hash) starts.push({ kind: "start", unit: d.name, reason: "desired state launched" });
    } else if (!stale && (isRunning(cur) || launchedHash !== undefined)) {
      stops.push({ kind: "stop", unit: d.name, reason: "desired state loaded" });
    }
  }
  const byUnit = (a: Task, b: Task) => (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0);
  return [...stops.sort(byUnit), ...unloads.sort(byUnit), ...loads.sort(byUnit), ...starts.sort(byUnit)];
}
