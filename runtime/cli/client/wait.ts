// Waiting for units to reach a state after start/stop/load/unload/destroy, as fleetctl
// blocks: poll the API, stop when every unit is there, when the attempts or the time
// run out, or when a unit is stuck — it has an unschedulable reason, or (for start) its
// machine reports it failed, and that has lasted `stuckMs` (a reason seen once may be
// from before the change; the engine rewrites reasons on its next pass).
//
// assess() is the pure core; waitFor() is the loop, with time and polling injected.
import { currentStateOf } from "../../cluster/registry";
import type { FleetUnitState, HafenUnit } from "../../client/api";

/** `gone`: no machine reports the unit any more (after unload/destroy). */
export type WaitTarget = "launched" | "loaded" | "gone";

export interface Observation {
  readonly units: ReadonlyMap<string, HafenUnit>;
  readonly states: readonly FleetUnitState[];
}

export type Progress =
  | { readonly kind: "done"; readonly machines: readonly string[] }
  | { readonly kind: "pending"; readonly why: string }
  | { readonly kind: "blocked"; readonly why: string };

export function assess(name: string, target: WaitTarget, obs: Observation): Progress {
  const states = obs.states.filter((s) => s.name === name);
  if (target === "gone") {
    return states.length === 0 ? { kind: "done", machines: [] } : { kind: "pending", why: `still reported by ${states.length} machine(s)` };
  }
  const unit = obs.units.get(name);
  if (!unit) return { kind: "blocked", why: "the unit no longer exists in the cluster" };
  if (unit.reason) return { kind: "blocked", why: `not scheduled: ${unit.reason}` };
  if (unit.machineIDs.length === 0) return { kind: "pending", why: "not scheduled yet" };
  for (const m of unit.machineIDs) {
    const s = states.find((x) => x.machineID === m);
    if (currentStateOf(s, unit.hash) === target) continue;
    if (s && s.hash === unit.hash && target === "launched" && s.systemdActiveState === "failed") {
      return { kind: "blocked", why: `failed on machine ${m} (${s.systemdLoadState}/${s.systemdActiveState}/${s.systemdSubState}); see \`hafen journal ${name}\`` };
    }
    return { kind: "pending", why: s ? `${s.systemdActiveState}/${s.systemdSubState} on machine ${m}` : `not yet reported by machine ${m}` };
  }
  return { kind: "done", machines: unit.machineIDs };
}

export type Outcome =
  | { readonly kind: "done"; readonly machines: readonly string[] }
  | { readonly kind: "stuck"; readonly why: string }
  | { readonly kind: "timeout"; readonly why: string };

export interface WaitOptions {
  /** Polls at most this many times; 0 = bounded by `timeoutMs` only. */
  readonly attempts: number;
  readonly timeoutMs: number;
  /** How long a unit must stay blocked before it is given up. */
  readonly stuckMs: number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Called after each poll with the units still waited for and why (for a progress line). */
  readonly progress?: (remaining: number, total: number, sample?: string) => void;
}

// Short polls first — most units are placed and started within a few hundred ms, and a
// user waits on every one of them — growing to at most 2 polls a second.
const FIRST_INTERVAL_MS = 20;
const GROWTH = 1.25;
const MAX_INTERVAL_MS = 500;

/** Polls `observe` until every unit reaches its target or is given up; outcomes by unit. */
export async function waitFor(targets: ReadonlyMap<string, WaitTarget>, observe: () => Promise<Observation>, opts: WaitOptions): Promise<Map<string, Outcome>> {
  const out = new Map<string, Outcome>();
  const remaining = new Map(targets);
  const blockedSince = new Map<string, number>();
  const lastWhy = new Map<string, string>();
  const start = opts.now();
  let interval = FIRST_INTERVAL_MS;
  for (let attempt = 1; remaining.size > 0; attempt++) {
    const obs = await observe();
    const now = opts.now();
    for (const [name, target] of remaining) {
      const p = assess(name, target, obs);
      if (p.kind === "done") {
        out.set(name, p);
        remaining.delete(name);
        continue;
      }
      lastWhy.set(name, p.why);
      if (p.kind === "pending") {
        blockedSince.delete(name);
        continue;
      }
      const since = blockedSince.get(name) ?? now;
      blockedSince.set(name, since);
      if (now - since >= opts.stuckMs) {
        out.set(name, { kind: "stuck", why: p.why });
        remaining.delete(name);
      }
    }
    const first = remaining.keys().next();
    opts.progress?.(remaining.size, targets.size, first.done ? undefined : `${first.value}: ${lastWhy.get(first.value)}`);
    if (remaining.size === 0) break;
    const outOfAttempts = opts.attempts > 0 && attempt >= opts.attempts;
    if (outOfAttempts || now - start >= opts.timeoutMs) {
      for (const name of remaining.keys()) out.set(name, { kind: "timeout", why: lastWhy.get(name) ?? "no answer" });
      break;
    }
    await opts.sleep(Math.min(interval, Math.max(0, start + opts.timeoutMs - now)));
    interval = Math.min(MAX_INTERVAL_MS, Math.round(interval * GROWTH));
  }
  return out;
}
