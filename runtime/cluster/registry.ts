// The cluster's state as the API sees it: reads and writes over the store, in the
// keyspace of keys.ts. No HTTP here and no scheduling (the engine owns schedule/); the
// API handlers and tests call these functions. Writes that must not race are
// compare-and-swap transactions (an etcd call that timed out may be retried and applied
// twice, so every write here is safe to repeat).
import type { Store, TxnOp } from "../store/types";
import type { UnitOption } from "../executor/types";
import { keyspace, splitPair, type Keyspace } from "./keys";
import {
  decodeBucket,
  decodeMachine,
  decodeMetadata,
  decodeUnit,
  decodeStateBucket,
  decodeUnschedulable,
  type Assignment,
  type JobState,
  type MachineRecord,
  type UnitRecord,
  type UnitStateRecord,
} from "./records";

/** fleet's Machine entity plus Hafen's extra fields. */
export interface MachineView {
  readonly id: string;
  readonly primaryIP: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly name: string;
  readonly role: MachineRecord["role"];
  readonly version: string;
}

/** fleet's Unit entity plus Hafen's `reason` (why it is not placed) and all machines of a global unit. */
export interface UnitView {
  readonly name: string;
  readonly options: readonly UnitOption[];
  readonly desiredState: JobState;
  readonly currentState: JobState;
  /** The machine it is scheduled to (non-global units); absent when unscheduled. */
  readonly machineID?: string;
  readonly hash: string;
  readonly machineIDs: readonly string[];
  readonly reason?: string;
}

export type MetadataOp =
  | { readonly op: "add" | "replace"; readonly machineId: string; readonly key: string; readonly value: string }
  | { readonly op: "remove"; readonly machineId: string; readonly key: string };

export class Registry {
  readonly keys: Keyspace;

  constructor(
    readonly store: Store,
    root?: string,
  ) {
    this.keys = keyspace(root);
  }

  async listMachines(): Promise<MachineView[]> {
    const [machines, overrides] = await Promise.all([this.store.range(this.keys.machines), this.store.range(this.keys.metadata)]);
    const extra = new Map<string, Record<string, string>>();
    for (const kv of overrides.kvs) {
      const md = decodeMetadata(kv.value);
      if (md) extra.set(kv.key.slice(this.keys.metadata.length), md);
    }
    const out: MachineView[] = [];
    for (const kv of machines.kvs) {
      const m = decodeMachine(kv.value);
      if (!m) continue;
      out.push({
        id: m.id,
        primaryIP: m.primaryIP,
        metadata: mergeMetadata(m.metadata, extra.get(m.id)),
        name: m.name,
        role: m.role,
        version: m.version,
      });
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * Applies fleet's metadata JSON-Patch ops in order. Overrides are kept apart from the
   * machine's own record so they persist across the machine leaving and rejoining.
   * A removal is stored as an empty value (fleet's tombstone), so it also hides a key the
   * machine announces itself, now and when it registers again; mergeMetadata drops it.
   * Each machine's override map is updated with a revision check and retried on races.
   */
  async patchMetadata(ops: readonly MetadataOp[]): Promise<void> {
    const byMachine = new Map<string, MetadataOp[]>();
    for (const op of ops) byMachine.set(op.machineId, [...(byMachine.get(op.machineId) ?? []), op]);
    for (const [machineId, list] of byMachine) {
      const key = this.keys.machineMetadata(machineId);
      for (let attempt = 0; attempt < 20; attempt++) {
        const cur = await this.store.get(key);
        // A Map, not object assignment: a key such as "__proto__" must stay an ordinary key.
        const md = new Map(Object.entries((cur ? decodeMetadata(cur.value) : undefined) ?? {}));
        for (const op of list) md.set(op.key, op.op === "remove" ? "" : op.value);
        const r = await this.store.txn(
          [{ key, target: "modRevision", op: "==", value: cur?.modRevision ?? 0 }],
          [{ type: "put", key, value: JSON.stringify(Object.fromEntries(md)) }],
        );
        if (r.succeeded) break;
        if (attempt === 19) throw new Error(`metadata of machine ${machineId} changed concurrently 20 times; try again`);
      }
    }
  }

  async getUnitRecord(name: string): Promise<UnitRecord | undefined> {
    const kv = await this.store.get(this.keys.unit(name));
    return kv ? decodeUnit(kv.value) : undefined;
  }

  /** Creates a unit only if none of that name exists; false when one does. */
  async createUnit(unit: UnitRecord): Promise<boolean> {
    const key = this.keys.unit(unit.name);
    const r = await this.store.txn([{ key, target: "createRevision", op: "==", value: 0 }], [{ type: "put", key, value: JSON.stringify(unit) }]);
    return r.succeeded;
  }

  /**
   * Creates all of `units` in one transaction if none of their names exists yet; false
   * (nothing written) when any does. At most 128 units (etcd's --max-txn-ops).
   */
  async createUnits(units: readonly UnitRecord[]): Promise<boolean> {
    if (units.length === 0) return true;
    const r = await this.store.txn(
      units.map((u) => ({ key: this.keys.unit(u.name), target: "createRevision" as const, op: "==" as const, value: 0 })),
      units.map((u) => ({ type: "put" as const, key: this.keys.unit(u.name), value: JSON.stringify(u) })),
    );
    return r.succeeded;
  }

  /** Creates or replaces a unit's definition (fleet: PUT with options). */
  async putUnit(unit: UnitRecord): Promise<void> {
    await this.store.put(this.keys.unit(unit.name), JSON.stringify(unit));
  }

  /**
   * Sets the desired state of an existing unit; false when it does not exist. A
   * compare on the unit's revision keeps a concurrent replace from being undone.
   */
  async setDesiredState(name: string, desiredState: JobState): Promise<boolean> {
    const key = this.keys.unit(name);
    for (let attempt = 0; attempt < 20; attempt++) {
      const kv = await this.store.get(key);
      const unit = kv ? decodeUnit(kv.value) : undefined;
      if (!kv || !unit) return false;
      if (unit.desiredState === desiredState) return true;
      const r = await this.store.txn(
        [{ key, target: "modRevision", op: "==", value: kv.modRevision }],
        [{ type: "put", key, value: JSON.stringify({ ...unit, desiredState }) }],
      );
      if (r.succeeded) return true;
    }
    throw new Error(`unit ${name} changed concurrently 20 times; try again`);
  }

  /** Deletes a unit; false when it did not exist. The engine then withdraws its assignments. */
  async deleteUnit(name: string): Promise<boolean> {
    const ops: TxnOp[] = [{ type: "delete", key: this.keys.unit(name) }, { type: "delete", key: this.keys.unschedulableUnit(name) }];
    const r = await this.store.txn([{ key: this.keys.unit(name), target: "createRevision", op: ">", value: 0 }], ops);
    return r.succeeded;
  }

  async listUnits(): Promise<UnitView[]> {
    const [units, schedule, states, unsched] = await Promise.all([
      this.store.range(this.keys.units),
      this.store.range(this.keys.schedule),
      this.store.range(this.keys.states),
      this.store.range(this.keys.unschedulable),
    ]);
    const placed = new Map<string, string[]>();
    for (const kv of schedule.kvs) {
      const pair = splitPair(kv.key, this.keys.schedule);
      if (!pair) continue;
      const [machine] = pair;
      for (const a of decodeBucket(kv.value) ?? []) {
        const list = placed.get(a.unit);
        if (list) list.push(machine);
        else placed.set(a.unit, [machine]);
      }
    }
    const stateOf = new Map<string, UnitStateRecord>();
    for (const kv of states.kvs) for (const s of decodeStateBucket(kv.value) ?? []) stateOf.set(`${s.machineID}/${s.name}`, s);
    const reasons = new Map<string, string>();
    for (const kv of unsched.kvs) {
      const u = decodeUnschedulable(kv.value);
      if (u) reasons.set(u.unit, u.reason);
    }
    const out: UnitView[] = [];
    for (const kv of units.kvs) {
      const u = decodeUnit(kv.value);
      if (u) out.push(unitView(u, placed.get(u.name) ?? [], (m) => stateOf.get(`${m}/${u.name}`), reasons.get(u.name)));
    }
    return out;
  }

  /**
   * One unit. `placedOn` (the API server's in-memory copy of the schedule) names the
   * machines it is assigned to, so the read touches only this unit's keys; without it
   * the whole schedule is read.
   */
  async getUnit(name: string, placedOn?: (unit: string) => readonly string[]): Promise<UnitView | undefined> {
    if (!placedOn) return (await this.listUnits()).find((u) => u.name === name);
    const machines = placedOn(name);
    const [kv, unsched, ...states] = await Promise.all([
      this.store.get(this.keys.unit(name)),
      this.store.get(this.keys.unschedulableUnit(name)),
      ...machines.map((m) => this.store.get(this.keys.unitState(m, name))),
    ]);
    const u = kv ? decodeUnit(kv.value) : undefined;
    if (!u) return undefined;
    const stateOf = new Map<string, UnitStateRecord>();
    states.forEach((s, i) => {
      const st = s ? decodeStateBucket(s.value)?.find((x) => x.name === name) : undefined;
      if (st) stateOf.set(machines[i]!, st);
    });
    return unitView(u, [...machines], (m) => stateOf.get(m), unsched ? decodeUnschedulable(unsched.value)?.reason : undefined);
  }

  async listStates(filter: { machineID?: string; unitName?: string } = {}): Promise<UnitStateRecord[]> {
    const prefix = filter.machineID ? this.keys.machineStates(filter.machineID) : this.keys.states;
    const r = await this.store.range(prefix);
    const out: UnitStateRecord[] = [];
    for (const kv of r.kvs) {
      for (const s of decodeStateBucket(kv.value) ?? []) {
        if (filter.machineID && s.machineID !== filter.machineID) continue;
        if (filter.unitName && s.name !== filter.unitName) continue;
        out.push(s);
      }
    }
    return out;
  }

  /** The assignments of one machine and the revision they were read at. */
  async assignmentsOf(machineId: string): Promise<{ revision: number; assignments: Assignment[] }> {
    const r = await this.store.range(this.keys.machineSchedule(machineId));
    const assignments: Assignment[] = [];
    for (const kv of r.kvs) assignments.push(...(decodeBucket(kv.value) ?? []));
    return { revision: r.revision, assignments };
  }
}

/** fleet's merge: overrides win over announced metadata; an empty override removes the key. */
export function mergeMetadata(
  announced: Readonly<Record<string, string>>,
  overrides: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  const out = new Map(Object.entries(announced));
  for (const [k, v] of Object.entries(overrides ?? {})) {
    if (v === "") out.delete(k);
    else out.set(k, v);
  }
  return Object.fromEntries(out);
}

function unitView(u: UnitRecord, placedOn: string[], stateOn: (machine: string) => UnitStateRecord | undefined, reason: string | undefined): UnitView {
  const machines = placedOn.sort();
  const state = machines.length === 1 ? stateOn(machines[0]!) : undefined;
  return {
    name: u.name,
    options: u.options,
    desiredState: u.desiredState,
    currentState: currentStateOf(state, u.hash),
    ...(machines.length === 1 ? { machineID: machines[0] } : {}),
    hash: u.hash,
    machineIDs: machines,
    ...(reason !== undefined ? { reason } : {}),
  };
}

/** fleet's currentState from what the agent reports: running → launched, known → loaded. */
export function currentStateOf(state: UnitStateRecord | undefined, hash: string): JobState {
  if (!state || state.hash !== hash) return "inactive";
  if (state.systemdActiveState === "active" || state.systemdActiveState === "activating" || state.systemdActiveState === "reloading") {
    return "launched";
  }
  return state.systemdLoadState === "loaded" ? "loaded" : "inactive";
}
