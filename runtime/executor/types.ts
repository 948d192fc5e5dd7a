// The executor contract: how an agent makes units run on its machine. Implementations:
//   process   — local machines: runs ExecStart… as child processes (runtime/executor/process/)
//   systemd   — real machines: unit files under /run/systemd/system, systemctl (…/systemd/)
//   recording — benchmarks and engine tests: records start/stop, spawns nothing
// All pass test/runtime/executor/contract.ts. The agent decides *what* to do (a task list
// from desired minus actual); the executor only does it and reports states.

/** One line of a unit file as fleet's API carries it (fleet API v1 `UnitOption`). */
export interface UnitOption {
  readonly section: string;
  readonly name: string;
  readonly value: string;
}

/** A unit as the agent hands it over: its name, content hash and options in file order. */
export interface UnitSpec {
  /** Full unit name, e.g. `web@1.service` (instances already named, specifiers unexpanded). */
  readonly name: string;
  /** fleet-style SHA-1 of the unit contents; lets the executor tell a replaced unit. */
  readonly hash: string;
  readonly options: readonly UnitOption[];
}

/** systemd's LoadState, restricted to what executors report. */
export type LoadState = "loaded" | "not-found" | "error" | "masked";
/** systemd's ActiveState. */
export type ActiveState = "active" | "reloading" | "inactive" | "failed" | "activating" | "deactivating";

export interface UnitStatus {
  readonly name: string;
  readonly hash: string;
  readonly loadState: LoadState;
  readonly activeState: ActiveState;
  /** systemd's SubState, e.g. running, exited, dead, failed, auto-restart, start-pre. */
  readonly subState: string;
  /** Main process id while running (process and systemd executors), for diagnostics. */
  readonly pid?: number;
}

/** One entry of an executor's own start/stop record (used to prove "at most one copy"). */
export interface ExecutorEvent {
  readonly at: number; // ms since epoch from the executor's clock
  readonly unit: string;
  readonly event: "started" | "stopped" | "exited" | "restarting";
  readonly pid?: number;
  readonly detail?: string;
}

export interface Executor {
  readonly kind: "process" | "systemd" | "recording";
  /** Makes the unit known (systemd: write the file + daemon-reload). Idempotent; replaces a unit with another hash. */
  load(unit: UnitSpec): Promise<void>;
  /** Starts a loaded unit; resolves once started (Type=simple: spawned; oneshot: finished). */
  start(name: string): Promise<void>;
  /** Stops a unit (ExecStop, then SIGTERM, then SIGKILL after a timeout); idempotent. */
  stop(name: string): Promise<void>;
  /** Stops if needed and forgets the unit (systemd: removes the file + daemon-reload). */
  unload(name: string): Promise<void>;
  /** Current status of every loaded unit. */
  list(): Promise<readonly UnitStatus[]>;
  /** Subscribes to status changes (a unit exits, restarts, fails); returns unsubscribe. */
  onChange(listener: (status: UnitStatus) => void): () => void;
  /** Last `lines` lines of a unit's output (stdout+stderr), oldest first. */
  journal(name: string, lines: number): Promise<readonly string[]>;
  /** Stops every unit it started and releases resources. */
  close(): Promise<void>;
}
