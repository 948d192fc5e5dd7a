// Decision minus what is stored = the writes that make the store say the decision. Pure.
// Values are compared as the exact text that would be written, so a record another
// version wrote differently (or a damaged one) is rewritten once, then left alone.
import type { Keyspace } from "../cluster/keys";
import type { Assignment, UnitRecord, UnschedulableRecord } from "../cluster/records";
import type { TxnOp } from "../store";
import type { Decision } from "./model";

export interface Stored {
  /** machine id → unit → stored Assignment text. */
  readonly schedule: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** unit → stored UnschedulableRecord text. */
  readonly unschedulable: ReadonlyMap<string, string>;
}

export interface UnitFacts {
  readonly record: UnitRecord;
  readonly global: boolean;
}

export interface WritePlan {
  /** Applied first: an agent must see a unit leave before another machine gets it. */
  readonly deletes: readonly TxnOp[];
  readonly puts: readonly TxnOp[];
  /** Assignment keys that did not exist before. */
  readonly placements: number;
  /** Assignment keys removed. */
  readonly removals: number;
}

export function encodeAssignment(record: UnitRecord, global: boolean): string {
  const desiredState = record.desiredState === "loaded" ? "loaded" : "launched";
  const a: Assignment = { unit: record.name, hash: record.hash, desiredState, global };
  return JSON.stringify(a);
}

export function encodeUnschedulable(unit: string, reason: string): string {
  const r: UnschedulableRecord = { unit, reason };
  return JSON.stringify(r);
}

export function planWrites(decision: Decision, units: ReadonlyMap<string, UnitFacts>, stored: Stored, ks: Keyspace): WritePlan {
  const deletes: TxnOp[] = [];
  const puts: TxnOp[] = [];
  let placements = 0;
  let removals = 0;
  const wanted = new Map<string, Set<string>>(); // machine → units
  for (const [unit, machines] of decision.assignments) {
    for (const m of machines) {
      let s = wanted.get(m);
      if (!s) wanted.set(m, (s = new Set()));
      s.add(unit);
    }
  }
  for (const [machine, assigned] of stored.schedule) {
    for (const unit of assigned.keys()) {
      if (wanted.get(machine)?.has(unit)) continue;
      deletes.push({ type: "delete", key: ks.assignment(machine, unit) });
      removals++;
    }
  }
  for (const [machine, set] of wanted) {
    for (const unit of set) {
      const facts = units.get(unit);
      if (!facts) continue; // decide only places units it was given
      const value = encodeAssignment(facts.record, facts.global);
      const before = stored.schedule.get(machine)?.get(unit);
      if (before === value) continue;
      if (before === undefined) placements++;
      puts.push({ type: "put", key: ks.assignment(machine, unit), value });
    }
  }
  for (const unit of stored.unschedulable.keys()) {
    if (!decision.unschedulable.has(unit)) deletes.push({ type: "delete", key: ks.unschedulableUnit(unit) });
  }
  for (const [unit, reason] of decision.unschedulable) {
    const value = encodeUnschedulable(unit, reason);
    if (stored.unschedulable.get(unit) !== value) puts.push({ type: "put", key: ks.unschedulableUnit(unit), value });
  }
  return { deletes, puts, placements, removals };
}
