// One run (systemd: one invocation) of a service: the processes it spawned, their
// process groups, and how to spawn, signal and wait for them. The unit controller
// (unit.ts) decides what to do; a Run only does it.
import { randomBytes } from "node:crypto";
import { homedir } from "node:os";
import type { Clock, Timer } from "../../clock";
import { matchGlob } from "../../../units/glob";
import { mergeEnvironment, parseEnvironmentFile, type Assignment } from "../environment";
import { expandArgv, resolveExecutable, type ExecCommand } from "../exec-line";
import type { JournalStore } from "../journal";
import type { ServiceConfig } from "../service-config";
import type { HostGuard } from "./guard";
import type { ChildHandle, ProcessHost } from "./host";
import { EXIT_CHDIR, EXIT_EXEC, EXIT_STDOUT, type ExitStatus } from "./outcome";

export interface RunDeps {
  readonly clock: Clock;
  readonly host: ProcessHost;
  readonly guard: HostGuard;
  readonly journal: JournalStore;
  readonly executorId: string;
  readonly baseEnvironment: Readonly<Record<string, string>>;
  readonly defaultWorkingDirectory: string;
  /** Interval of the "is the group gone yet" poll. */
  readonly pollMs: number;
}

/** A spawned process, or a spawn that failed before exec (status says how). */
export type Spawned = { readonly ok: true; readonly child: ChildHandle } | { readonly ok: false; readonly status: ExitStatus; readonly resources: boolean };

/** setTimeout cannot count past 2^31-1 ms (it fires at once); longer is "never" here. */
const TIMER_MAX = 2 ** 31 - 1;

export function armTimer(clock: Clock, ms: number, fn: () => void): Timer {
  if (!(ms < TIMER_MAX)) return { cancel: () => undefined };
  return clock.setTimeout(fn, Math.max(0, ms));
}

/** Resolves with `value` after `ms` (never when ms is infinite); cancel with the timer. */
export function after<T>(clock: Clock, ms: number, value: T): { promise: Promise<T>; timer: Timer } {
  let timer: Timer = { cancel: () => undefined };
  const promise = new Promise<T>((resolve) => {
    timer = armTimer(clock, ms, () => resolve(value));
  });
  return { promise, timer };
}

export class Run {
  readonly invocation = randomBytes(16).toString("hex");
  readonly groups = new Set<number>();
  main: ChildHandle | undefined;
  /** Set once the main process has exited. */
  mainStatus: ExitStatus | undefined;
  stopRequested = false;
  /** Set when the run entered its stop phase (by request or because main ended). */
  ending = false;
  private readonly stopSignal: Promise<"stop">;
  private wakeStop: () => void = () => undefined;
  /** Whether the run's first process has been announced (event "started"). */
  announced = false;

  constructor(
    readonly unit: string,
    readonly config: ServiceConfig,
    private readonly deps: RunDeps,
  ) {
    this.stopSignal = new Promise((resolve) => {
      this.wakeStop = () => resolve("stop");
    });
  }

  /** Resolves when stop() was asked for; never rejects. */
  get stopped(): Promise<"stop"> {
    return this.stopSignal;
  }

  requestStop(): void {
    this.stopRequested = true;
    this.wakeStop();
  }

  get mainAlive(): boolean {
    return this.main !== undefined && this.mainStatus === undefined;
  }

  log(text: string): void {
    this.deps.journal.sys(this.unit, text);
  }

  /** Spawns one command of this run. `control` commands see $MAINPID while main lives. */
  async spawn(cmd: ExecCommand, role: "main" | "control", onPid: (pid: number) => void = () => undefined): Promise<Spawned> {
    const env = await this.environment(role);
    if (!env.ok) return { ok: false, status: { code: null, signal: null }, resources: true };
    const cwd = await this.workingDirectory();
    if (cwd === undefined) return { ok: false, status: { code: EXIT_CHDIR, signal: null }, resources: false };
    const file = await resolveExecutable(cmd.path, (p) => this.deps.host.isExecutable(p));
    if (file === undefined) {
      this.log(`${this.unit}: Failed to locate executable ${cmd.path}: No such file or directory`);
      return { ok: false, status: { code: EXIT_EXEC, signal: null }, resources: false };
    }
    const argv = expandArgv(cmd, env.env);
    const outcome = await this.deps.host.spawn(
      { file, argv, env: Object.fromEntries(env.env), cwd, output: this.deps.journal.outputPath(this.unit) },
      {
        onPid: (p) => {
          this.groups.add(p);
          this.deps.guard.trackGroup(p);
          onPid(p);
        },
      },
    );
    if (!outcome.ok) {
      if (outcome.stage === "output") {
        this.log(`${this.unit}: Failed to set up standard output: ${outcome.error}`);
        return { ok: false, status: { code: EXIT_STDOUT, signal: null }, resources: false };
      }
      this.log(`${this.unit}: Failed to execute ${file}: ${outcome.error}`);
      return { ok: false, status: { code: EXIT_EXEC, signal: null }, resources: false };
    }
    if (role === "main") {
      this.main = outcome.child;
      void outcome.child.exit.then((s) => (this.mainStatus = s));
    }
    return { ok: true, child: outcome.child };
  }

  private async environment(role: "main" | "control"): Promise<{ ok: true; env: Map<string, string> } | { ok: false }> {
    const files: Assignment[] = [];
    for (const ref of this.config.environmentFiles) {
      const paths = await this.expandFileGlob(ref.path);
      if (paths.length === 0 && !ref.optional) {
        this.log(`${this.unit}: Failed to load environment files: ${ref.path}: No such file or directory`);
        return { ok: false };
      }
      for (const path of paths) {
        const text = await this.deps.host.readText(path).catch((e: Error) => e);
        if (text instanceof Error || (text === undefined && !ref.optional)) {
          this.log(`${this.unit}: Failed to load environment files: ${path}: ${text instanceof Error ? text.message : "No such file or directory"}`);
          return { ok: false };
        }
        if (text === undefined) continue;
        const parsed = parseEnvironmentFile(text, path);
        for (const w of parsed.warnings) this.log(`${this.unit}: ${w}`);
        files.push(...parsed.assignments);
      }
    }
    const extra: Record<string, string> = { INVOCATION_ID: this.invocation };
    if (role === "control" && this.mainAlive) extra.MAINPID = String(this.main!.pid);
    const env = mergeEnvironment(this.deps.baseEnvironment, extra, this.config.environment, files);
    // Last, so no unit can hide from the guard's sweep by overriding it.
    env.set("HAFEN_EXECUTOR_ID", this.deps.executorId);
    return { ok: true, env };
  }

  private async expandFileGlob(path: string): Promise<string[]> {
    const slash = path.lastIndexOf("/");
    const base = path.slice(slash + 1);
    if (!/[*?[]/.test(base)) return [path];
    const dir = path.slice(0, slash) || "/";
    const names = (await this.deps.host.listDirectory(dir).catch(() => undefined)) ?? [];
    return names.filter((n) => matchGlob(base, n)).sort().map((n) => `${dir === "/" ? "" : dir}/${n}`);
  }

  private async workingDirectory(): Promise<string | undefined> {
    const wd = this.config.workingDirectory;
    if (!wd) return this.deps.defaultWorkingDirectory;
    const path = wd.path === "~" ? homedir() : wd.path;
    if (await this.deps.host.isDirectory(path)) return path;
    if (wd.optional) return this.deps.defaultWorkingDirectory;
    this.log(`${this.unit}: Changing to the requested working directory failed: ${path}: No such file or directory`);
    return undefined;
  }

  /** Sends `signal` per KillMode: every group (control-group), or the main process only. */
  signal(signal: NodeJS.Signals, scope: "all" | "main"): void {
    if (scope === "main") {
      if (this.mainAlive) this.deps.host.signalProcess(this.main!.pid, signal);
      return;
    }
    for (const g of this.groups) this.deps.host.signalGroup(g, signal);
  }

  /** True when nothing of `scope` is alive any more; forgets empty groups. */
  gone(scope: "all" | "main"): boolean {
    if (scope === "main") return !this.mainAlive;
    for (const g of [...this.groups]) {
      if (this.deps.host.groupAlive(g)) return false;
      this.groups.delete(g);
      this.deps.guard.untrackGroup(g);
    }
    return !this.mainAlive;
  }

  /** Polls until gone(scope) or `ms` passed; true when gone. */
  async waitGone(scope: "all" | "main", ms: number): Promise<boolean> {
    const deadline = this.deps.clock.now() + ms;
    for (let i = 0; i < 1_000_000; i++) {
      if (this.gone(scope)) return true;
      const left = deadline - this.deps.clock.now();
      if (left <= 0) return false;
      // The main process's exit wakes the wait at once; leftover groups are polled.
      const poll = after(this.deps.clock, Math.min(this.deps.pollMs, left), undefined);
      await (this.mainAlive ? Promise.race([poll.promise, this.main!.exit]) : poll.promise);
      poll.timer.cancel();
    }
    return false;
  }
}
