// A simulated cluster around engines under test: machines are records on leases the
// fixture renews (until `kill`), units are records as the API writes them, and time is a
// manual clock shared with the store, so lease expiry and failover take milliseconds.
import { keyspace } from "../../../runtime/cluster/keys";
import { decodeBucket, decodeUnschedulable, type Assignment, type JobState, type MachineRecord, type UnitRecord } from "../../../runtime/cluster/records";
import { Engine, type EngineEvent, type EngineOptions } from "../../../runtime/engine/engine";
import { ManualClock, openStore, type LeaseId, type Store } from "../../../runtime/store";
import { hashOptions } from "../../../units";
import { settle } from "./support";

export const MACHINE_TTL_SECONDS = 3;

export class Cluster {
  readonly ks = keyspace("/c");
  private readonly leases = new Map<string, LeaseId>();
  private readonly engines: Engine[] = [];

  private constructor(
    readonly store: Store,
    readonly clock: ManualClock,
  ) {}

  static async open(): Promise<Cluster> {
    const clock = new ManualClock();
    return new Cluster(await openStore({ backend: "memory", clock }), clock);
  }

  async machine(id: string, metadata: Record<string, string> = {}): Promise<void> {
    const lease = await this.store.grantLease(MACHINE_TTL_SECONDS);
    const rec: MachineRecord = { id, name: id, primaryIP: "10.0.0.1", metadata, role: "worker", version: "test", registeredAt: 0 };
    await this.store.put(this.ks.machine(id), JSON.stringify(rec), { lease: lease.id });
    this.leases.set(id, lease.id);
  }

  /** The machine stops renewing: its key vanishes when the lease expires. */
  kill(id: string): void {
    this.leases.delete(id);
  }

  async submit(name: string, xfleet: readonly string[] = [], desiredState: JobState = "launched"): Promise<void> {
    const options = [
      { section: "Service", name: "ExecStart", value: "/bin/true" },
      ...xfleet.map((l) => ({ section: "X-Fleet", name: l.slice(0, l.indexOf("=")), value: l.slice(l.indexOf("=") + 1) })),
    ];
    const rec: UnitRecord = { name, options, hash: hashOptions(options), desiredState };
    await this.store.put(this.ks.unit(name), JSON.stringify(rec));
  }

  async setState(name: string, desiredState: JobState): Promise<void> {
    const kv = await this.store.get(this.ks.unit(name));
    const rec = JSON.parse(kv!.value) as UnitRecord;
    await this.store.put(this.ks.unit(name), JSON.stringify({ ...rec, desiredState }));
  }

  async destroy(name: string): Promise<void> {
    await this.store.delete(this.ks.unit(name));
  }

  /** unit → machines holding an assignment for it, read from the store itself. */
  async schedule(): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const kv of (await this.store.range(this.ks.schedule)).kvs) {
      const [machine] = kv.key.slice(this.ks.schedule.length).split("/") as [string, string];
      for (const a of decodeBucket(kv.value) ?? []) out.set(a.unit, [...(out.get(a.unit) ?? []), machine].sort());
    }
    return out;
  }

  async assignment(machine: string, unit: string): Promise<Assignment | undefined> {
    const kv = await this.store.get(this.ks.assignment(machine, unit));
    return kv ? decodeBucket(kv.value)?.find((a) => a.unit === unit) : undefined;
  }

  async reasons(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const kv of (await this.store.range(this.ks.unschedulable)).kvs) {
      const r = decodeUnschedulable(kv.value);
      if (r) out.set(r.unit, r.reason);
    }
    return out;
  }

  engine(id: string, opts: Partial<EngineOptions> = {}): Engine & { events: EngineEvent[] } {
    const events: EngineEvent[] = [];
    const e = new Engine({ store: this.store, id, keyspace: this.ks, clock: this.clock, leaseTtlSeconds: 5, reconcileIntervalMs: 1000, ...opts, onEvent: (ev) => events.push(ev) });
    this.engines.push(e);
    return Object.assign(e, { events });
  }

  /** Advances time (and `others` clocks) in 100 ms steps, renewing live machines' leases. */
  async tick(ms: number, others: readonly ManualClock[] = []): Promise<void> {
    for (let done = 0; done < ms; done += 100) {
      for (const lease of this.leases.values()) await this.store.keepAlive(lease);
      this.clock.advance(100);
      for (const c of others) c.advance(100);
      await settle();
    }
  }

  /** Ticks until `cond` holds; throws after `maxMs` of simulated time. Returns the time waited. */
  async until(cond: () => boolean | Promise<boolean>, maxMs = 20_000, others: readonly ManualClock[] = []): Promise<number> {
    for (let waited = 0; waited <= maxMs; waited += 100) {
      await settle();
      if (await cond()) return waited;
      await this.tick(100, others);
    }
    throw new Error(`condition not met within ${maxMs} ms of simulated time`);
  }

  async close(): Promise<void> {
    for (const e of this.engines.splice(0)) await e.stop();
    await this.store.close();
  }
}

/** Non-global units assigned to more than one machine (must always be empty). */
export function doubled(schedule: Map<string, string[]>, globals: readonly string[] = []): string[] {
  return [...schedule].filter(([u, ms]) => ms.length > 1 && !globals.includes(u)).map(([u]) => u);
}
