// The process executor: runs units as child processes of this (host) process, for local
// machines. Unit semantics follow systemd (see service-config.ts for the options,
// phases.ts for the life of a run, guard.ts for what happens when the host dies).
// Limits of the stand-in, by design: units run as the host's user without sandboxing;
// a unit's processes are its process groups, so a child that calls setsid() escapes
// stop() (not close() or host death, which sweep by the HAFEN_EXECUTOR_ID variable);
// with KillMode=process or none, what the unit leaves behind stays registered with the
// guard, so it still dies with the host;
// [Unit] ordering and dependencies are not honoured (placement is the scheduler's job).
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import { systemClock, type Clock } from "../../clock";
import { parseUnitName } from "../../../units/names";
import { ExecutorError } from "../errors";
import { checkSpec, lineCount } from "../spec";
import { EventRecord } from "../events";
import { FIXED_SEARCH_PATH } from "../exec-line";
import { JournalStore } from "../journal";
import { compileUnit, DEFAULTS, type CompiledUnit } from "../service-config";
import type { HostFacts } from "../specifiers";
import type { Executor, ExecutorEvent, UnitSpec, UnitStatus } from "../types";
import { NO_GUARD, ShellGuard, type HostGuard } from "./guard";
import { nodeProcessHost, type ProcessHost } from "./host";
import { UnitController } from "./unit";

export interface ProcessExecutorOptions {
  /** Directory of the per-unit journal files (created if missing). */
  readonly journalDir: string;
  /** Size at which a unit's journal file is rotated. Default 1 MiB. */
  readonly journalMaxBytes?: number;
  /** Interval of the journal size check while units run (see journal.ts). Default 1 s. */
  readonly journalCheckMs?: number;
  /** JSONL file every ExecutorEvent is appended to (the failover tests read it). */
  readonly eventLog?: string;
  /** Events kept in memory. Default 10,000. */
  readonly eventCapacity?: number;
  readonly clock?: Clock;
  readonly monotonic?: () => number;
  /** Spawning and signalling; a fake in unit tests. Default: real processes. */
  readonly host?: ProcessHost;
  /** Host-death protection. Default: a ShellGuard (with the real host), none with a fake. */
  readonly guard?: HostGuard;
  /** Values for %H %m %b %h %u %U. Default: this computer's. */
  readonly hostFacts?: Partial<HostFacts>;
  /** Environment every unit starts from. Default: PATH=systemd's default, LANG if set. */
  readonly baseEnvironment?: Readonly<Record<string, string>>;
  /** Working directory without WorkingDirectory=. Default "/" (as systemd's). */
  readonly defaultWorkingDirectory?: string;
  /** TimeoutStopSec= default. Default 10 s (systemd's is 90 s; failover wants less). */
  readonly defaultTimeoutStopMs?: number;
  /** Marks this executor's processes (HAFEN_EXECUTOR_ID). Default: random. */
  readonly id?: string;
  /** Poll interval while waiting for process groups to end. Default 20 ms. */
  readonly pollMs?: number;
}

function readTrimmed(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return undefined;
  }
}

export function localHostFacts(overrides: Partial<HostFacts> = {}): HostFacts {
  const u = userInfo();
  return {
    hostname: hostname(),
    machineId: readTrimmed("/etc/machine-id") ?? "0".repeat(32),
    bootId: (readTrimmed("/proc/sys/kernel/random/boot_id") ?? "0".repeat(32)).replace(/-/g, ""),
    home: u.homedir,
    user: u.username,
    uid: u.uid,
    ...overrides,
  };
}

export class ProcessExecutor implements Executor {
  readonly kind = "process" as const;
  readonly id: string;
  private readonly units = new Map<string, UnitController>();
  private readonly listeners = new Set<(s: UnitStatus) => void>();
  private readonly journalStore: JournalStore;
  private readonly record: EventRecord;
  private readonly guard: HostGuard;
  private readonly facts: HostFacts;
  private readonly deps: ConstructorParameters<typeof UnitController>[2];
  private closed = false;

  constructor(private readonly opts: ProcessExecutorOptions) {
    this.id = opts.id ?? randomBytes(8).toString("hex");
    const clock = opts.clock ?? systemClock;
    this.journalStore = new JournalStore({
      dir: opts.journalDir,
      now: () => clock.now(),
      clock,
      ...(opts.journalMaxBytes !== undefined ? { maxBytes: opts.journalMaxBytes } : {}),
      ...(opts.journalCheckMs !== undefined ? { checkMs: opts.journalCheckMs } : {}),
    });
    this.record = new EventRecord({ clock, ...(opts.monotonic ? { monotonic: opts.monotonic } : {}), ...(opts.eventLog ? { file: opts.eventLog } : {}), ...(opts.eventCapacity ? { capacity: opts.eventCapacity } : {}) });
    this.guard = opts.guard ?? (opts.host ? NO_GUARD : new ShellGuard({ executorId: this.id, ...(opts.eventLog ? { eventLog: opts.eventLog } : {}) }));
    this.facts = localHostFacts(opts.hostFacts);
    const lang = process.env.LANG;
    this.deps = {
      clock,
      host: opts.host ?? nodeProcessHost(),
      guard: this.guard,
      journal: this.journalStore,
      events: this.record,
      executorId: this.id,
      baseEnvironment: opts.baseEnvironment ?? { PATH: FIXED_SEARCH_PATH.join(":"), ...(lang ? { LANG: lang } : {}) },
      defaultWorkingDirectory: opts.defaultWorkingDirectory ?? "/",
      pollMs: opts.pollMs ?? 20,
      notify: (s) => this.listeners.forEach((l) => l(s)),
    };
  }

  async load(unit: UnitSpec): Promise<void> {
    this.assertOpen();
    checkSpec(unit);
    const existing = this.units.get(unit.name);
    if (existing && existing.spec.hash === unit.hash) return;
    const compiled: CompiledUnit = compileUnit(unit.name, unit.options, this.facts, {
      ...DEFAULTS,
      timeoutStopMs: this.opts.defaultTimeoutStopMs ?? DEFAULTS.timeoutStopMs,
    });
    if (existing) existing.replace(unit, compiled);
    else {
      const c = new UnitController(unit, compiled, this.deps);
      this.units.set(unit.name, c);
      this.deps.notify(c.status());
    }
  }

  async start(name: string): Promise<void> {
    this.assertOpen();
    return this.get(name).start();
  }

  async stop(name: string): Promise<void> {
    await this.units.get(name)?.stop();
  }

  async unload(name: string): Promise<void> {
    const c = this.units.get(name);
    if (!c) return;
    await c.stop();
    this.units.delete(name);
    this.journalStore.forget(name);
  }

  async list(): Promise<readonly UnitStatus[]> {
    return [...this.units.values()].map((c) => c.status());
  }

  onChange(listener: (status: UnitStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async journal(name: string, lines: number): Promise<readonly string[]> {
    if (!parseUnitName(name).ok) return [];
    return this.journalStore.tail(name, lineCount(lines));
  }

  followJournal(name: string, onLine: (line: string) => void): () => void {
    return this.journalStore.follow(name, onLine);
  }

  events(): readonly ExecutorEvent[] {
    return this.record.list();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.units.values()].map((c) => c.stop()));
    await this.guard.close();
    this.journalStore.close();
    this.listeners.clear();
  }

  private get(name: string): UnitController {
    const c = this.units.get(name);
    if (!c) throw new ExecutorError("not-loaded", name, `unit ${name} is not loaded`);
    return c;
  }

  private assertOpen(): void {
    if (this.closed) throw new ExecutorError("closed", "", "the executor is closed");
  }
}
