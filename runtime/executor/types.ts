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
  /**
   * Refinement (executor session): why `loadState` is "error" — the option, its value and
   * what is accepted, one sentence per problem joined by "; ". Absent otherwise. Added so
   * `list-units`/`status` can say why a unit will not start without reading a journal.
   */
  readonly loadError?: string;
}

/**
 * One entry of an executor's own start/stop record (used to prove "at most one copy").
 * On the process executor, for one run of a unit, "started" carries a time taken *before*
 * its first process is spawned (and is written the moment it is forked), and
 * "exited"/"stopped" are written only *after* its last process is gone (KillMode=
 * control-group, the default), so the interval between them covers every moment any
 * process of that run could exist. The systemd executor records its own systemctl calls
 * and the transitions it polls; the recording executor its calls.
 *   started    — the first process of a run (ExecStartPre or ExecStart) is about to start
 *   exited     — the run ended by itself (main process exit, failed start, oneshot done)
 *   stopped    — the run ended because of stop()/unload()/close(), or because the host
 *                process died (then written by the process executor's guard, see
 *                process/guard.ts, with `detail` "host-died" and no `mono`)
 *   restarting — Restart= scheduled another run after RestartSec (`detail` says when)
 */
export interface ExecutorEvent {
  readonly at: number; // ms since epoch from the executor's clock
  readonly unit: string;
  readonly event: "started" | "stopped" | "exited" | "restarting";
  readonly pid?: number;
  readonly detail?: string;
  /**
   * Refinement: CLOCK_MONOTONIC in ms (process.hrtime). On Linux it is one clock for every
   * process of a host, so records of several local machines can be ordered without
   * trusting wall time (which may step).
   */
  readonly mono?: number;
  /** Refinement: the run's id (systemd's $INVOCATION_ID), pairing a start with its end. */
  readonly invocation?: string;
}

export interface Executor {
  readonly kind: "process" | "systemd" | "recording";
  /** Makes the unit known (systemd: write the file + daemon-reload). Idempotent; replaces a unit with another hash. */
  load(unit: UnitSpec): Promise<void>;
  /**
   * Starts a loaded unit; resolves once started (Type=simple: spawned; oneshot: finished).
   * Rejects with an ExecutorError (errors.ts) when the start job fails the way
   * `systemctl start` fails: unit not loaded, bad unit setting (loadState "error"), a
   * failing ExecStartPre/oneshot command, the start limit, or a stop() that cancelled it.
   * After a rejection list() shows why (usually activeState "failed").
   */
  start(name: string): Promise<void>;
  /** Stops a unit (ExecStop, then SIGTERM, then SIGKILL after a timeout); idempotent. */
  stop(name: string): Promise<void>;
  /** Stops if needed and forgets the unit (systemd: removes the file + daemon-reload). */
  unload(name: string): Promise<void>;
  /** Current status of every loaded unit. */
  list(): Promise<readonly UnitStatus[]>;
  /** Subscribes to status changes (a unit exits, restarts, fails); returns unsubscribe. */
  onChange(listener: (status: UnitStatus) => void): () => void;
  /**
   * Last `lines` lines of a unit's output (stdout+stderr) and of the executor's own
   * messages about it ("Started …", "Main process exited …"), oldest first, message text
   * only (like `journalctl -o cat`). An unknown unit has an empty journal.
   */
  journal(name: string, lines: number): Promise<readonly string[]>;
  /**
   * Refinement, for `journal -f`: calls `onLine` for every journal line written from now
   * on, until the returned function is called. Lines already written are not replayed
   * (call journal() first).
   */
  followJournal(name: string, onLine: (line: string) => void): () => void;
  /**
   * Refinement: the executor's own start/stop record, oldest first, bounded (the oldest
   * entries are dropped first). The process executor can also append it to a JSONL file.
   */
  events(): readonly ExecutorEvent[];
  /** Stops every unit it started and releases resources. */
  close(): Promise<void>;
}
