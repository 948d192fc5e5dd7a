// Decision minus what is stored = the writes that make the store say the decision. Pure.
// Assignments are written as bucket records (records.ts): only buckets whose text
// changes are written. Values are compared as the exact text that would be written, so
// a record another version wrote differently (or a damaged one, or a stray key under a
// machine's schedule) is rewritten or deleted once, then left alone.
import type { Keyspace } from "../cluster/keys";
import { bucketOf, encodeBucket, isBucketName, type Assignment, type UnitRecord, type UnschedulableRecord } from "../cluster/records";
import type { TxnOp } from "../store";
import type { Decision } from "./model";

export interface Stored {
  /** machine id → unit → its stored Assignment text. */
  readonly schedule: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** machine id → key suffix → stored text of every key under schedule/<machine>/. */
  readonly buckets: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** unit → stored UnschedulableRecord text. */
  readonly unschedulable: ReadonlyMap<string, string>;
}

export interface UnitFacts {
  readonly record: UnitRecord;
  readonly global: boolean;
}

export interface WritePlan {
  /**
   * Applied first, and completely before `puts`: an agent must see a unit leave before
   * another machine gets it. Deletes, and bucket records rewritten without the units
   * leaving them (a bucket that also gains units is written again in `puts`).
   */
  readonly deletes: readonly TxnOp[];
  readonly puts: readonly TxnOp[];
  /** Assignments that did not exist before. */
  readonly placements: number;
  /** Assignments removed. */
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

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A bucket record from unit → assignment text, or undefined when it holds none. */
function bucketText(entries: ReadonlyMap<string, string>): string | undefined {
  if (entries.size === 0) return undefined;
  return encodeBucket([...entries.keys()].sort(byName).map((u) => entries.get(u)!));
}

export function planWrites(decision: Decision, units: ReadonlyMap<string, UnitFacts>, stored: Stored, ks: Keyspace): WritePlan {
  const deletes: TxnOp[] = [];
  const puts: TxnOp[] = [];
  let placements = 0;
  let removals = 0;
  // What each bucket should hold: machine → bucket → unit → assignment text.
  const wanted = new Map<string, Map<string, Map<string, string>>>();
  for (const [unit, machines] of decision.assignments) {
    const facts = units.get(unit);
    if (!facts) continue; // decide only places units it was given
    const text = encodeAssignment(facts.record, facts.global);
    const b = bucketOf(unit);
    for (const m of machines) {
      let perMachine = wanted.get(m);
      if (!perMachine) wanted.set(m, (perMachine = new Map()));
      let entries = perMachine.get(b);
      if (!entries) perMachine.set(b, (entries = new Map()));
      entries.set(unit, text);
    }
  }
  for (const m of [...new Set([...wanted.keys(), ...stored.buckets.keys()])].sort(byName)) {
    const want = wanted.get(m);
    const have = stored.buckets.get(m);
    // What each bucket holds now, from the decoded records.
    const current = new Map<string, Map<string, string>>();
    for (const [unit, text] of stored.schedule.get(m) ?? []) {
      const b = bucketOf(unit);
      let entries = current.get(b);
      if (!entries) current.set(b, (entries = new Map()));
      entries.set(unit, text);
    }
    for (const b of [...new Set([...(want?.keys() ?? []), ...(have?.keys() ?? [])])].sort(byName)) {
      const key = ks.scheduleBucket(m, b);
      const target = want?.get(b) ?? new Map<string, string>();
      const finalText = bucketText(target);
      const storedText = have?.get(b);
      const now = current.get(b) ?? new Map<string, string>();
      for (const u of target.keys()) if (!now.has(u)) placements++;
      const kept = new Map([...now].filter(([u]) => target.has(u)));
      removals += now.size - kept.size;
      if (finalText === storedText) continue;
      if (!isBucketName(b) || finalText === undefined) {
        if (storedText !== undefined) deletes.push({ type: "delete", key }); // emptied, or a stray key
        continue;
      }
      if (kept.size < now.size) {
        const shrunk = bucketText(kept);
        if (shrunk === undefined) deletes.push({ type: "delete", key });
        else deletes.push({ type: "put", key, value: shrunk });
        if (shrunk !== finalText) puts.push({ type: "put", key, value: finalText });
      } else puts.push({ type: "put", key, value: finalText });
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
