// Serves agents' long-polls for their assignments without a store watch per agent:
// one watch on schedule/ and one on units/ per server, fanned out in memory to the
// agents waiting on this server. An agent wakes only when an assignment of its own
// machine changed — fleet's agents all re-read one shared job tree on every change.
//
// Contract: `read(m)` returns the machine's assignments as of `revision`; a later
// `wait(m, revision)` resolves as soon as any of m's assignments changes after it.
import type { Store, Watch, WatchEvent } from "../store/types";
import type { Keyspace } from "../cluster/keys";
import { splitPair } from "../cluster/keys";
import { BucketIndex } from "../cluster/bucket-index";
import { decodeBucket, decodeUnit, isBucketName, type Assignment, type UnitRecord } from "../cluster/records";
import type { UnitOption } from "../executor/types";

export interface AssignedUnit extends Assignment {
  readonly options: readonly UnitOption[];
}

interface Waiter {
  readonly after: number;
  readonly resolve: () => void;
}

export class AssignmentHub {
  /** machine → unit → its assignment, from the machine's bucket records. */
  private readonly assigned = new BucketIndex<Assignment>();
  private readonly machineRev = new Map<string, number>();
  private readonly units = new Map<string, UnitRecord>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private watches: Watch[] = [];
  private baseRevision = 0;
  private revision = 0;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly keys: Keyspace,
    private readonly log: (msg: string) => void = () => {},
  ) {}

  async start(): Promise<void> {
    await this.load();
  }

  /** (Re)reads everything, then watches from the read revision; used after compaction too. */
  private async load(): Promise<void> {
    await Promise.all(this.watches.map((w) => w.cancel()));
    this.watches = [];
    const [sched, units] = await Promise.all([this.store.range(this.keys.schedule), this.store.range(this.keys.units)]);
    // Two ranges are two reads; watching both from the older revision + 1 replays
    // whatever happened in between, so nothing is missed (replays are idempotent).
    const rev = Math.min(sched.revision, units.revision);
    this.assigned.clear();
    this.units.clear();
    for (const kv of sched.kvs) this.applySchedule({ type: "put", kv });
    for (const kv of units.kvs) this.applyUnit({ type: "put", kv });
    this.baseRevision = Math.max(sched.revision, units.revision);
    this.revision = this.baseRevision;
    this.machineRev.clear();
    this.wakeAll();
    const onError = (err: Error) => {
      if (this.stopped) return;
      this.log(`assignment watch ended (${err.message}); re-reading`);
      void this.load().catch((e: Error) => this.log(`assignment reload failed: ${e.message}`));
    };
    this.watches.push(
      await this.store.watch(this.keys.schedule, rev + 1, {
        onEvents: (evs) => this.onSchedule(evs),
        onError,
      }),
      await this.store.watch(this.keys.units, rev + 1, {
        onEvents: (evs) => evs.forEach((e) => this.applyUnit(e)),
        onError,
      }),
    );
  }

  private onSchedule(events: readonly WatchEvent[]): void {
    const touched = new Set<string>();
    for (const ev of events) {
      const m = this.applySchedule(ev);
      if (m) {
        touched.add(m);
        this.machineRev.set(m, Math.max(this.machineRev.get(m) ?? 0, ev.kv.modRevision));
      }
      this.revision = Math.max(this.revision, ev.kv.modRevision);
    }
    for (const m of touched) this.wake(m);
  }

  /** Replaces what one bucket record of a machine holds; returns the machine. */
  private applySchedule(ev: WatchEvent): string | undefined {
    const pair = splitPair(ev.kv.key, this.keys.schedule);
    if (!pair) return undefined;
    const [machine, bucket] = pair;
    const entries = ev.type === "put" && isBucketName(bucket) ? decodeBucket(ev.kv.value) : undefined;
    this.assigned.replace(machine, bucket, entries?.map((a) => [a.unit, a] as const));
    return machine;
  }

  private applyUnit(ev: WatchEvent): void {
    const name = ev.kv.key.slice(this.keys.units.length);
    if (ev.type === "delete") this.units.delete(name);
    else {
      const u = decodeUnit(ev.kv.value);
      if (u) this.units.set(name, u);
    }
  }

  /** Machines the unit is assigned to, as this server last saw the schedule. */
  machinesOf(unit: string): string[] {
    const out: string[] = [];
    for (const [machine, map] of this.assigned.byMachine) if (map.has(unit)) out.push(machine);
    return out;
  }

  /** The revision a machine's assignments last changed at (base revision if never seen). */
  changedAt(machineId: string): number {
    return this.machineRev.get(machineId) ?? this.baseRevision;
  }

  /**
   * The machine's assignments joined with their units' options. An assignment whose
   * unit this server has not yet seen at the assigned hash is read from the store; if
   * the store has moved on too (replaced again), it is left out until the engine catches up.
   */
  async read(machineId: string): Promise<{ revision: number; units: AssignedUnit[] }> {
    const revision = this.revision;
    const out: AssignedUnit[] = [];
    for (const a of this.assigned.byMachine.get(machineId)?.values() ?? []) {
      let unit = this.units.get(a.unit);
      if (!unit || unit.hash !== a.hash) {
        const kv = await this.store.get(this.keys.unit(a.unit));
        unit = kv ? decodeUnit(kv.value) : undefined;
      }
      if (unit && unit.hash === a.hash) out.push({ ...a, options: unit.options });
    }
    out.sort((x, y) => (x.unit < y.unit ? -1 : x.unit > y.unit ? 1 : 0));
    return { revision, units: out };
  }

  /** Resolves when m's assignments change after `after`, or after `timeoutMs`, or on `abort`. */
  wait(machineId: string, after: number, timeoutMs: number, abort: Promise<void>): Promise<void> {
    if (this.changedAt(machineId) > after || this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let set = this.waiters.get(machineId);
      if (!set) this.waiters.set(machineId, (set = new Set()));
      const w: Waiter = {
        after,
        resolve: () => {
          clearTimeout(timer);
          set!.delete(w);
          if (set!.size === 0) this.waiters.delete(machineId);
          resolve();
        },
      };
      const timer = setTimeout(w.resolve, timeoutMs);
      set.add(w);
      void abort.then(w.resolve);
    });
  }

  private wake(machineId: string): void {
    const rev = this.changedAt(machineId);
    for (const w of [...(this.waiters.get(machineId) ?? [])]) if (rev > w.after) w.resolve();
  }

  private wakeAll(): void {
    for (const set of [...this.waiters.values()]) for (const w of [...set]) w.resolve();
  }

  get waiting(): number {
    let n = 0;
    for (const s of this.waiters.values()) n += s.size;
    return n;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.watches.map((w) => w.cancel()));
    this.watches = [];
    this.wakeAll();
  }
}
