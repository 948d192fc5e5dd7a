// The recording executor: spawns nothing, records load/start/stop/unload with the time of
// an injected clock, and reports states as if every start succeeded. For engine tests and
// the control-plane benchmarks (10,000 units), so every call is O(1) in the number of
// units (list() is O(units), as it must be) and O(options) at load.
// States: Type=oneshot ends inactive/dead after start (active/exited with
// RemainAfterExit=yes), everything else is active/running. Options are not checked
// beyond the unit name and shape (checkSpec), so a unit the process executor refuses
// still "runs" here.
import { systemClock, type Clock } from "../clock";
import { ExecutorError } from "./errors";
import { EventRecord } from "./events";
import { checkSpec } from "./spec";
import type { Executor, ExecutorEvent, UnitSpec, UnitStatus } from "./types";

export interface RecordingExecutorOptions {
  readonly clock?: Clock;
  readonly monotonic?: () => number;
  /** Events kept in memory. Default 10,000. */
  readonly eventCapacity?: number;
  /** Optional JSONL copy of the events. */
  readonly eventLog?: string;
}

/** One call the executor received, in order (for tests that assert the agent's tasks). */
export interface RecordedCall {
  readonly at: number;
  readonly op: "load" | "start" | "stop" | "unload";
  readonly unit: string;
  readonly hash?: string;
}

const CALLS_KEPT = 100_000;

interface Entry {
  spec: UnitSpec;
  oneshot: boolean;
  remain: boolean;
  status: UnitStatus;
}

export class RecordingExecutor implements Executor {
  readonly kind = "recording" as const;
  private readonly units = new Map<string, Entry>();
  private readonly listeners = new Set<(s: UnitStatus) => void>();
  private readonly record: EventRecord;
  private readonly clock: Clock;
  private readonly log: RecordedCall[] = [];
  private closed = false;

  constructor(opts: RecordingExecutorOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.record = new EventRecord({
      clock: this.clock,
      capacity: opts.eventCapacity ?? 10_000,
      ...(opts.monotonic ? { monotonic: opts.monotonic } : {}),
      ...(opts.eventLog ? { file: opts.eventLog } : {}),
    });
  }

  /** The calls so far, oldest first; the oldest are dropped past CALLS_KEPT. */
  get calls(): readonly RecordedCall[] {
    return this.log;
  }

  async load(unit: UnitSpec): Promise<void> {
    this.assertOpen();
    checkSpec(unit);
    this.note("load", unit.name, unit.hash);
    const prev = this.units.get(unit.name);
    if (prev && prev.spec.hash === unit.hash) return;
    let type = "";
    let remain = "";
    for (const o of unit.options) {
      if (o.section !== "Service") continue;
      if (o.name === "Type") type = o.value.trim();
      if (o.name === "RemainAfterExit") remain = o.value.trim().toLowerCase();
    }
    const base = prev?.status ?? { name: unit.name, hash: unit.hash, loadState: "loaded" as const, activeState: "inactive" as const, subState: "dead" };
    const entry: Entry = { spec: unit, oneshot: type === "oneshot", remain: ["1", "yes", "y", "true", "t", "on"].includes(remain), status: { ...base, hash: unit.hash } };
    this.units.set(unit.name, entry);
    this.emit(entry.status);
  }

  async start(name: string): Promise<void> {
    this.assertOpen();
    const e = this.units.get(name);
    if (!e) throw new ExecutorError("not-loaded", name, `unit ${name} is not loaded`);
    this.note("start", name);
    if (e.status.activeState === "active") return;
    this.record.record({ unit: name, event: "started" });
    if (e.oneshot && !e.remain) {
      this.record.record({ unit: name, event: "exited", detail: "success" });
      return this.set(e, "inactive", "dead");
    }
    this.set(e, "active", e.oneshot ? "exited" : "running");
  }

  async stop(name: string): Promise<void> {
    const e = this.units.get(name);
    if (!e) return;
    this.note("stop", name);
    if (e.status.activeState !== "active") return;
    this.record.record({ unit: name, event: "stopped", detail: "success" });
    this.set(e, "inactive", "dead");
  }

  async unload(name: string): Promise<void> {
    if (!this.units.has(name)) return;
    await this.stop(name);
    this.note("unload", name);
    this.units.delete(name);
  }

  async list(): Promise<readonly UnitStatus[]> {
    return [...this.units.values()].map((e) => e.status);
  }

  onChange(listener: (status: UnitStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async journal(): Promise<readonly string[]> {
    return [];
  }

  followJournal(): () => void {
    return () => undefined;
  }

  events(): readonly ExecutorEvent[] {
    return this.record.list();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    for (const name of this.units.keys()) await this.stop(name);
    this.closed = true;
    this.listeners.clear();
  }

  private set(e: Entry, activeState: "active" | "inactive", subState: string): void {
    e.status = { ...e.status, activeState, subState };
    this.emit(e.status);
  }

  private emit(s: UnitStatus): void {
    for (const l of this.listeners) l(s);
  }

  private note(op: RecordedCall["op"], unit: string, hash?: string): void {
    this.log.push({ at: this.clock.now(), op, unit, ...(hash !== undefined ? { hash } : {}) });
    if (this.log.length > CALLS_KEPT) this.log.splice(0, CALLS_KEPT / 2); // amortized O(1)
  }

  private assertOpen(): void {
    if (this.closed) throw new ExecutorError("closed", "", "the executor is closed");
  }
}
