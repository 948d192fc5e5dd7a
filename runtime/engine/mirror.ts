// The leader's in-memory copy of the parts of the keyspace the scheduler reads, kept by
// watches: each prefix is ranged, then watched from the range's revision + 1 so nothing
// is missed; a `compacted` watch (history gone) is recovered by ranging again. Records
// are decoded (and unit options parsed) once, when they change, not on every decide.
import { splitPair, type Keyspace } from "../cluster/keys";
import { BucketIndex } from "../cluster/bucket-index";
import { bucketOf, decodeBucket, decodeMachine, decodeMetadata, decodeUnit, isBucketName, type MachineRecord, type UnitRecord } from "../cluster/records";
import type { Clock, KeyValue, Store, TimerHandle, Watch, WatchEvent } from "../store";
import { RulesCache, schedMachine, schedUnit } from "./adapter";
import type { SchedUnit, Snapshot } from "./model";

export type Section = "machines" | "metadata" | "units" | "schedule" | "unschedulable";
const SECTIONS: readonly Section[] = ["machines", "metadata", "units", "schedule", "unschedulable"];

export interface MirroredUnit {
  readonly record: UnitRecord;
  readonly sched: SchedUnit;
}

export interface MirrorOptions {
  readonly store: Store;
  readonly keyspace: Keyspace;
  readonly clock: Clock;
  /** A section changed (after its events were applied). */
  readonly onChange: (section: Section) => void;
  readonly onError: (during: string, error: unknown) => void;
  /** Delay before retrying a failed re-read (default 1000 ms). */
  readonly retryMs?: number;
}

interface Feed {
  readonly section: Section;
  readonly prefix: string;
  revision: number;
  watch: Watch | undefined;
  /** Bumped on every (re)start, so a superseded watch's late events are ignored. */
  generation: number;
}

export class Mirror {
  readonly machines = new Map<string, MachineRecord>();
  readonly overrides = new Map<string, Record<string, string>>();
  readonly units = new Map<string, MirroredUnit>();
  /** machine id → unit → its Assignment's text, from the machine's bucket records. */
  private readonly assigned = new BucketIndex<string>();
  /** machine id → key suffix → the stored text of every key under schedule/<machine>/
   *  (bucket records, damaged or not, and stray keys), so diffs compare exactly. */
  readonly buckets = new Map<string, Map<string, string>>();
  /** unit → the stored UnschedulableRecord text. */
  readonly unschedulable = new Map<string, string>();
  /** Records that failed to decode, by key (visible for diagnostics). */
  readonly damaged = new Set<string>();

  /** machine id → unit → its Assignment's text (read-only view). */
  get schedule(): ReadonlyMap<string, ReadonlyMap<string, string>> {
    return this.assigned.byMachine;
  }

  /** Bumped whenever anything decide() reads may have changed. */
  version = 0;
  /** Bumped when machines, their metadata or units change (not the engine's own output). */
  inputsVersion = 0;

  private readonly feeds: Map<Section, Feed>;
  private readonly waiters = new Set<{ section: Section; revision: number; resolve: () => void }>();
  private readonly retries = new Set<TimerHandle>();
  /** Units with equal options share one reading of their rules (adapter.ts). */
  private readonly rules = new RulesCache();
  private stopped = false;

  constructor(private readonly o: MirrorOptions) {
    const ks = o.keyspace;
    const prefixes: Record<Section, string> = {
      machines: ks.machines,
      metadata: ks.metadata,
      units: ks.units,
      schedule: ks.schedule,
      unschedulable: ks.unschedulable,
    };
    this.feeds = new Map(SECTIONS.map((s) => [s, { section: s, prefix: prefixes[s], revision: 0, watch: undefined, generation: 0 }]));
  }

  /** Reads every section and starts watching; resolves once all are loaded. */
  async start(): Promise<void> {
    await Promise.all([...this.feeds.values()].map((f) => this.load(f)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.retries) t.cancel();
    this.retries.clear();
    for (const w of this.waiters) w.resolve();
    this.waiters.clear();
    await Promise.all([...this.feeds.values()].map((f) => f.watch?.cancel()));
  }

  /** Resolves once `section` reflects every write up to `revision` (or the mirror stops). */
  caughtUp(section: Section, revision: number): Promise<void> {
    if (this.stopped || this.feeds.get(section)!.revision >= revision) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add({ section, revision, resolve }));
  }

  /** Re-reads a section from scratch (after a write whose echo never came, say). */
  resync(section: Section): Promise<void> {
    return this.load(this.feeds.get(section)!);
  }

  snapshot(): Snapshot {
    const machines = [...this.machines.values()].map((m) => schedMachine(m, this.overrides.get(m.id)));
    const units = [...this.units.values()].map((u) => u.sched);
    const current = new Map<string, string[]>();
    for (const [machine, assigned] of this.schedule) {
      for (const unit of assigned.keys()) {
        const list = current.get(unit);
        if (list) list.push(machine);
        else current.set(unit, [machine]);
      }
    }
    return { machines, units, current };
  }

  private async load(feed: Feed): Promise<void> {
    if (this.stopped) return;
    const generation = ++feed.generation;
    await feed.watch?.cancel();
    feed.watch = undefined;
    const { kvs, revision } = await this.o.store.range(feed.prefix);
    if (this.stopped || generation !== feed.generation) return;
    this.reset(feed.section);
    for (const kv of kvs) this.apply(feed.section, { type: "put", kv });
    this.advanced(feed, revision);
    const watch = await this.o.store.watch(feed.prefix, revision + 1, {
      onEvents: (events) => {
        if (generation !== feed.generation) return;
        for (const e of events) this.apply(feed.section, e);
        this.advanced(feed, events[0]!.kv.modRevision);
      },
      onError: (error) => {
        if (generation !== feed.generation || this.stopped) return;
        this.o.onError(`watch ${feed.prefix}`, error);
        this.reload(feed);
      },
    });
    if (this.stopped || generation !== feed.generation) await watch.cancel();
    else feed.watch = watch;
  }

  /** Re-reads after a failed watch; retries on the clock until it works or the mirror stops. */
  private reload(feed: Feed): void {
    this.load(feed).catch((error: unknown) => {
      this.o.onError(`re-read ${feed.prefix}`, error);
      if (this.stopped) return;
      const t = this.o.clock.setTimer(this.o.retryMs ?? 1000, () => {
        this.retries.delete(t);
        this.reload(feed);
      });
      this.retries.add(t);
    });
  }

  private advanced(feed: Feed, revision: number): void {
    this.version++;
    if (feed.section !== "schedule" && feed.section !== "unschedulable") this.inputsVersion++;
    feed.revision = Math.max(feed.revision, revision);
    for (const w of this.waiters) {
      if (w.section === feed.section && feed.revision >= w.revision) {
        this.waiters.delete(w);
        w.resolve();
      }
    }
    this.o.onChange(feed.section);
  }

  private reset(section: Section): void {
    switch (section) {
      case "machines":
        return this.machines.clear();
      case "metadata":
        return this.overrides.clear();
      case "units":
        return this.units.clear();
      case "schedule":
        this.buckets.clear();
        return this.assigned.clear();
      case "unschedulable":
        return this.unschedulable.clear();
      default: {
        const _never: never = section;
        return _never;
      }
    }
  }

  private apply(section: Section, e: WatchEvent): void {
    const feed = this.feeds.get(section)!;
    const kv = e.type === "put" ? e.kv : undefined;
    const key = e.kv.key;
    const name = key.slice(feed.prefix.length);
    this.damaged.delete(key);
    switch (section) {
      case "machines":
        return this.store(this.machines, name, kv, decodeMachine, (m) => m.id === name);
      case "metadata":
        return this.store(this.overrides, name, kv, decodeMetadata);
      case "units":
        return this.store(this.units, name, kv, (text) => {
          const record = decodeUnit(text);
          return record && record.name === name ? { record, sched: schedUnit(record, this.rules) } : undefined;
        });
      case "schedule":
        return this.assign(key, kv);
      case "unschedulable":
        if (kv) this.unschedulable.set(name, kv.value);
        else this.unschedulable.delete(name);
        return;
      default: {
        const _never: never = section;
        return _never;
      }
    }
  }

  private store<T>(map: Map<string, T>, name: string, kv: KeyValue | undefined, decode: (text: string) => T | undefined, valid: (t: T) => boolean = () => true): void {
    const value = kv ? decode(kv.value) : undefined;
    if (value !== undefined && valid(value)) map.set(name, value);
    else {
      map.delete(name);
      if (kv) this.damaged.add(kv.key);
    }
  }

  /** Replaces what one bucket record holds; a bucket that fails to decode holds nothing. */
  private assign(key: string, kv: KeyValue | undefined): void {
    const pair = splitPair(key, this.o.keyspace.schedule);
    if (!pair) return;
    const [machine, bucket] = pair;
    let raw = this.buckets.get(machine);
    let entries: (readonly [string, string])[] | undefined;
    if (kv) {
      if (!raw) this.buckets.set(machine, (raw = new Map()));
      raw.set(bucket, kv.value);
      const decoded = isBucketName(bucket) ? decodeBucket(kv.value) : undefined;
      if (decoded && decoded.every((a) => bucketOf(a.unit) === bucket)) entries = decoded.map((a) => [a.unit, JSON.stringify(a)] as const);
      else this.damaged.add(key);
    } else raw?.delete(bucket);
    this.assigned.replace(machine, bucket, entries);
    if (raw?.size === 0) this.buckets.delete(machine);
  }
}
