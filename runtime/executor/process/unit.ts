// One loaded unit on the process executor: its systemd-style state, its current run, the
// Restart= timer and the start rate limit. start()/stop() follow systemctl's job rules:
// start of an active unit is a no-op, start during a stop waits for it and starts again,
// stop during a start cancels it, stop during auto-restart cancels the restart.
import type { Timer } from "../../clock";
import { ExecutorError } from "../errors";
import type { EventRecord } from "../events";
import type { ExecCommand } from "../exec-line";
import { loadErrorText, type CompiledUnit, type ServiceConfig } from "../service-config";
import { formatTimeSpan } from "../timespan";
import type { ActiveState, UnitSpec, UnitStatus } from "../types";
import { shouldRestart, StartLimiter, type ServiceResult } from "./outcome";
import { runningPhase, startPhase, stopPhase, type PhaseContext, type StartOutcome } from "./phases";
import { armTimer, Run, type RunDeps, type Spawned } from "./run";

export interface ControllerDeps extends RunDeps {
  readonly events: EventRecord;
  readonly notify: (status: UnitStatus) => void;
}

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(e: Error): void;
}

function deferred(): Deferred {
  let resolve: () => void = () => undefined;
  let reject: (e: Error) => void = () => undefined;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined); // a start nobody awaits must not be an unhandled rejection
  return { promise, resolve, reject };
}

export class UnitController {
  private active: ActiveState = "inactive";
  private sub = "dead";
  private lastNotified = "";
  private run: Run | undefined;
  private lifecycle: Promise<void> | undefined;
  private outcome: Deferred | undefined;
  private restartTimer: Timer | undefined;
  private restarts = 0;
  private limiter: StartLimiter;

  constructor(
    public spec: UnitSpec,
    private compiled: CompiledUnit,
    private readonly deps: ControllerDeps,
  ) {
    this.limiter = new StartLimiter(compiled.kind === "service" ? compiled.config.startLimit : { intervalMs: 0, burst: 0 });
  }

  get name(): string {
    return this.spec.name;
  }

  /** A new version of the unit; the current run keeps the options it started with. */
  replace(spec: UnitSpec, compiled: CompiledUnit): void {
    this.spec = spec;
    this.compiled = compiled;
    if (compiled.kind === "service") this.limiter = new StartLimiter(compiled.config.startLimit);
    this.publish(true);
  }

  status(): UnitStatus {
    const c = this.compiled;
    const pid = this.run?.mainAlive ? this.run.main!.pid : undefined;
    return {
      name: this.spec.name,
      hash: this.spec.hash,
      loadState: c.kind === "error" ? "error" : "loaded",
      activeState: this.active,
      subState: this.sub,
      ...(pid !== undefined ? { pid } : {}),
      ...(c.kind === "error" ? { loadError: loadErrorText(c.problems) } : {}),
    };
  }

  async start(): Promise<void> {
    const c = this.compiled;
    if (c.kind === "error") throw new ExecutorError("bad-setting", this.name, `${this.name} has a bad unit file setting: ${loadErrorText(c.problems)}`);
    if (c.kind === "target") return this.setState("active", "active");
    // A run that is ending (stopped, or its main process gone) is waited for, then a new
    // one starts, as systemd queues a start job behind a stop.
    for (let i = 0; i < 3 && this.run && !this.restartTimer; i++) {
      if (!this.run.stopRequested && !this.run.ending) return this.outcome!.promise;
      await this.lifecycle;
    }
    if (this.restartTimer) {
      this.restartTimer.cancel();
      this.restartTimer = undefined;
    } else if (this.run) return this.outcome!.promise; // another start() won the race
    const now = this.compiled;
    if (now.kind !== "service") return this.start();
    return this.begin(now.config);
  }

  async stop(): Promise<void> {
    if (this.restartTimer) {
      this.restartTimer.cancel();
      this.restartTimer = undefined;
      this.setState("inactive", "dead");
      return;
    }
    if (this.compiled.kind === "target" && this.active === "active") return this.setState("inactive", "dead");
    if (!this.run) return;
    this.run.requestStop();
    await this.lifecycle;
  }

  private begin(config: ServiceConfig): Promise<void> {
    if (!this.limiter.allow(this.deps.clock.now())) {
      this.deps.journal.sys(this.name, `${this.name}: Start request repeated too quickly.`);
      this.deps.journal.sys(this.name, `${this.name}: Failed with result 'start-limit-hit'.`);
      this.setState("failed", "failed");
      return Promise.reject(new ExecutorError("start-limit-hit", this.name, `${this.name}: start request repeated too quickly (StartLimitBurst=${config.startLimit.burst} within ${formatTimeSpan(config.startLimit.intervalMs)})`));
    }
    const run = new Run(this.name, config, this.deps);
    const outcome = deferred();
    this.run = run;
    this.outcome = outcome;
    run.log(`Starting ${this.name}...`);
    for (const opt of config.ignored) run.log(`${this.name}: ${opt} is not applied by the process executor (units run as the agent's user, without sandboxing or resource limits)`);
    this.lifecycle = this.live(run, outcome);
    return outcome.promise;
  }

  /** The whole story of one run, from its first process to its end. */
  private async live(run: Run, outcome: Deferred): Promise<void> {
    const ctx = this.context(run);
    let failure: Error | undefined;
    let result: ServiceResult = "resources";
    try {
      const started = await startPhase(ctx);
      if (started === "ok") {
        outcome.resolve();
        run.log(`${run.config.type === "oneshot" ? "Finished" : "Started"} ${this.name}.`);
      } else failure = this.startError(started);
      result = started === "ok" ? await runningPhase(ctx) : started === "cancelled" ? "success" : started;
      if (run.stopRequested) run.log(`Stopping ${this.name}...`);
      run.ending = true;
      result = await stopPhase(ctx, started === "ok", result);
    } catch (e) {
      // An I/O error of the executor itself (not of the unit): fail the run, never hang.
      run.log(`${this.name}: executor error: ${(e as Error).message}`);
      failure = e as Error;
      run.signal("SIGKILL", "all");
    }
    this.finish(run, result);
    // A failed start is reported once the run has settled, so the caller sees "failed"
    // (or "auto-restart") in list(), not a half-stopped unit.
    if (failure) outcome.reject(failure);
  }

  private context(run: Run): PhaseContext {
    return {
      run,
      clock: this.deps.clock,
      setState: (a, s) => this.setState(a, s),
      spawn: (cmd, role, label) => this.spawn(run, cmd, role, label),
    };
  }

  /** Spawns, writing the run's "started" record right at its first fork. */
  private spawn(run: Run, cmd: ExecCommand, role: "main" | "control", label: string): Promise<Spawned> {
    if (run.announced) return run.spawn(cmd, role).then((s) => this.published(s));
    const stamp = this.deps.events.stamp();
    this.deps.guard.beginRun(run.invocation, this.name);
    return run
      .spawn(cmd, role, (pid) => {
        if (run.announced) return;
        run.announced = true;
        this.deps.events.record({ unit: this.name, event: "started", pid, invocation: run.invocation, detail: label }, stamp);
      })
      .then((s) => this.published(s));
  }

  private published(s: Spawned): Spawned {
    this.publish(false); // the main pid may have appeared
    return s;
  }

  private startError(o: Exclude<StartOutcome, "ok">): ExecutorError {
    if (o === "cancelled") return new ExecutorError("cancelled", this.name, `the start of ${this.name} was cancelled by a stop`);
    return new ExecutorError("start-failed", this.name, `${this.name} failed to start (result '${o}'); see its journal`);
  }

  private finish(run: Run, result: ServiceResult): void {
    run.gone("all");
    if (run.announced) {
      const main = run.main?.pid;
      this.deps.events.record({ unit: this.name, event: run.stopRequested ? "stopped" : "exited", ...(main !== undefined ? { pid: main } : {}), invocation: run.invocation, detail: result });
    }
    this.deps.guard.endRun(run.invocation);
    this.run = undefined;
    if (result === "success") {
      run.log(`${this.name}: Deactivated successfully.`);
      this.setState("inactive", "dead");
    } else {
      run.log(`${this.name}: Failed with result '${result}'.`);
      this.setState("failed", "failed");
    }
    if (!run.stopRequested && shouldRestart(run.config.restart, result)) this.scheduleRestart(run.config);
  }

  private scheduleRestart(config: ServiceConfig): void {
    const n = ++this.restarts;
    this.setState("activating", "auto-restart");
    this.deps.events.record({ unit: this.name, event: "restarting", detail: `in ${formatTimeSpan(config.restartMs)}, restart counter is at ${n}` });
    this.deps.journal.sys(this.name, `${this.name}: Scheduled restart job, restart counter is at ${n}.`);
    this.restartTimer = armTimer(this.deps.clock, config.restartMs, () => {
      this.restartTimer = undefined;
      const c = this.compiled;
      if (c.kind !== "service") return this.setState("failed", "failed");
      this.begin(c.config).catch(() => undefined); // the outcome shows in the state
    });
  }

  private setState(active: ActiveState, sub: string): void {
    this.active = active;
    this.sub = sub;
    this.publish(false);
  }

  /** Tells listeners when anything they can see changed (or always, when forced). */
  private publish(force: boolean): void {
    const s = this.status();
    const key = `${s.hash} ${s.loadState} ${s.activeState} ${s.subState} ${s.pid ?? ""}`;
    if (!force && key === this.lastNotified) return;
    this.lastNotified = key;
    this.deps.notify(s);
  }
}
