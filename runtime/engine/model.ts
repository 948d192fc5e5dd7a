// What the scheduler sees and what it answers: plain data, no store, no time. The engine
// builds a Snapshot from its watch mirror (mirror.ts + adapter.ts) and turns a Decision
// into store writes (diff.ts).
import type { JobState } from "../cluster/records";

/**
 * A unit's `[X-Fleet]` requirements, specifiers already expanded for its name
 * (`Conflicts=%p@*.service` of `web@1.service` arrives as `web@*.service`).
 * Semantics are fleet's (Documentation/unit-files-and-scheduling.md).
 */
export interface Rules {
  /** Full machine id the unit must run on (`MachineID`). */
  readonly machineId?: string;
  /** Exact unit names that must be on the same machine (`MachineOf`; fleet's "peers"). */
  readonly machineOf: readonly string[];
  /** key → accepted values: every key must match (AND), any of its values (OR). */
  readonly metadata: Readonly<Record<string, readonly string[]>>;
  /** Globs (Go path.Match) of units that may not share a machine; binds both ways. */
  readonly conflicts: readonly string[];
  /** Globs of units this one pushes to another machine when it lands on theirs. */
  readonly replaces: readonly string[];
  /** On every machine that matches `metadata` and has no conflict. */
  readonly global: boolean;
}

export const NO_RULES: Rules = { machineOf: [], metadata: {}, conflicts: [], replaces: [], global: false };

/**
 * A unit as the scheduler sees it. `invalid` units (options the API should have refused,
 * or a damaged record) are never placed; their problem becomes the unschedulable reason.
 */
export type SchedUnit =
  | { readonly kind: "valid"; readonly name: string; readonly desiredState: JobState; readonly rules: Rules }
  | { readonly kind: "invalid"; readonly name: string; readonly desiredState: JobState; readonly problem: string };

export interface SchedMachine {
  readonly id: string;
  /** Announced metadata with PATCHed overrides already applied. */
  readonly metadata: Readonly<Record<string, string>>;
}

export interface Snapshot {
  /** Live machines (their lease has not expired). Ids are unique. */
  readonly machines: readonly SchedMachine[];
  /** Every submitted unit, whatever its desired state. Names are unique. */
  readonly units: readonly SchedUnit[];
  /** Where units are assigned now: unit → machine ids (may name dead machines or gone units). */
  readonly current: ReadonlyMap<string, readonly string[]>;
}

export interface Decision {
  /** Placed units → their machine ids, ascending (exactly one unless the unit is global). */
  readonly assignments: ReadonlyMap<string, readonly string[]>;
  /** Units that want to run (loaded|launched) but are not placed anywhere, with why. */
  readonly unschedulable: ReadonlyMap<string, string>;
}

export function isActive(state: JobState): boolean {
  return state === "loaded" || state === "launched";
}
