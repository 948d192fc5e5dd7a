// The phases of one run, in systemd's order and with its sub-states:
//   start:   start-pre (ExecStartPre=) → start (ExecStart=) → start-post (ExecStartPost=)
//   running: active/running until the main process exits or stop() is asked
//            (oneshot: active/exited with RemainAfterExit=yes, else straight on)
//   stop:    stop (ExecStop=, only if the start succeeded; $MAINPID set while main
//            lives) → stop-sigterm (KillSignal= per KillMode=) → stop-sigkill after
//            TimeoutStopSec= → stop-post (ExecStopPost=, always) → final-sigterm/-sigkill
// Every wait is bounded by TimeoutStartSec=/TimeoutStopSec= or by a stop() request.
import { controlResult, describeExit, mainResult, type ExitStatus, type ServiceResult } from "./outcome";
import { after, type Run, type Spawned } from "./run";
import type { ExecCommand } from "../exec-line";
import type { Clock } from "../../clock";

/** What the phases need from their unit controller. */
export interface PhaseContext {
  readonly run: Run;
  readonly clock: Clock;
  setState(active: "activating" | "active" | "deactivating", sub: string): void;
  /** Spawns a command, recording the run's "started" event at its first process. */
  spawn(cmd: ExecCommand, role: "main" | "control", label: string): Promise<Spawned>;
}

export type StartOutcome = "ok" | "cancelled" | Exclude<ServiceResult, "success">;

const SIGKILL_WAIT_MS = 5000;

/** Runs start-pre, start and start-post; "ok" when the unit counts as started. */
export async function startPhase(ctx: PhaseContext): Promise<StartOutcome> {
  const { run, clock } = ctx;
  const cfg = run.config;
  const deadline = clock.now() + cfg.timeoutStartMs;
  if (cfg.execStartPre.length > 0) ctx.setState("activating", "start-pre");
  for (const cmd of cfg.execStartPre) {
    const r = await command(ctx, cmd, "control", "ExecStartPre", deadline);
    if (r !== "ok") return r;
  }
  ctx.setState("activating", "start");
  if (cfg.type === "oneshot") {
    for (const cmd of cfg.execStart) {
      const r = await command(ctx, cmd, "main", "ExecStart", deadline);
      if (r !== "ok") return r;
    }
  } else {
    const sp = await ctx.spawn(cfg.execStart[0]!, "main", "ExecStart");
    if (!sp.ok) {
      // Missing environment files fail any start before a fork (systemd: "resources").
      // Type=exec reports a failed exec as a failed start; Type=simple has already
      // "started" at fork time and fails right after, as systemd's simple does.
      if (sp.resources) return "resources";
      if (cfg.type === "exec") return "exit-code";
      run.mainStatus = sp.status;
    }
  }
  if (cfg.execStartPost.length > 0) ctx.setState("activating", "start-post");
  for (const cmd of cfg.execStartPost) {
    const r = await command(ctx, cmd, "control", "ExecStartPost", deadline);
    if (r !== "ok") return r;
  }
  return run.stopRequested ? "cancelled" : "ok";
}

type Ran = { readonly kind: "exited"; readonly status: ExitStatus; readonly resources: boolean } | { readonly kind: "timeout" | "cancelled" };

/** Spawns a command and waits for its end, the deadline, or (if cancellable) a stop. */
async function runToEnd(ctx: PhaseContext, cmd: ExecCommand, role: "main" | "control", label: string, deadline: number, cancellable: boolean): Promise<Ran> {
  const { run, clock } = ctx;
  if (cancellable && run.stopRequested) return { kind: "cancelled" };
  const sp = await ctx.spawn(cmd, role, label);
  if (!sp.ok) return { kind: "exited", status: sp.status, resources: sp.resources };
  const timeout = after(clock, deadline - clock.now(), "timeout" as const);
  const w = await Promise.race(cancellable ? [sp.child.exit, run.stopped, timeout.promise] : [sp.child.exit, timeout.promise]);
  timeout.timer.cancel();
  if (w === "stop") return { kind: "cancelled" };
  if (w === "timeout") {
    run.log(`${run.unit}: ${label} operation timed out. Terminating.`);
    return { kind: "timeout" };
  }
  return { kind: "exited", status: w, resources: false };
}

/** The result of a finished command; failures are logged, and forgiven with "-". */
function judge(ctx: PhaseContext, cmd: ExecCommand, role: "main" | "control", ran: Ran & { kind: "exited" }): ServiceResult {
  const { run } = ctx;
  if (ran.resources) return "resources"; // nothing ran (the reason is logged); "-" does not forgive it
  const result = role === "main" ? mainResult(ran.status, run.config) : controlResult(ran.status);
  if (result === "success") return result;
  const who = role === "main" ? "Main" : "Control";
  run.log(`${run.unit}: ${who} process exited, ${describeExit(ran.status)}${cmd.ignoreFailure ? ' (ignored: the command has the "-" prefix)' : ""}`);
  return cmd.ignoreFailure ? "success" : result;
}

/** Runs one start command to its end. */
async function command(ctx: PhaseContext, cmd: ExecCommand, role: "main" | "control", label: string, deadline: number): Promise<StartOutcome> {
  const ran = await runToEnd(ctx, cmd, role, label, deadline, true);
  if (ran.kind !== "exited") return ran.kind;
  const r = judge(ctx, cmd, role, ran);
  return r === "success" ? "ok" : r;
}

/** Waits while the unit runs; returns the result the run ends with (before stopping). */
export async function runningPhase(ctx: PhaseContext): Promise<ServiceResult> {
  const { run } = ctx;
  const cfg = run.config;
  if (cfg.type === "oneshot") {
    if (!cfg.remainAfterExit) return "success";
    ctx.setState("active", "exited");
    await run.stopped;
    return "success";
  }
  if (run.mainAlive) {
    ctx.setState("active", "running");
    await Promise.race([run.main!.exit, run.stopped]);
  }
  if (run.mainAlive || run.mainStatus === undefined) return "success"; // stopped while running
  const result = mainResult(run.mainStatus, cfg);
  if (!run.stopRequested) run.log(`${run.unit}: Main process exited, ${describeExit(run.mainStatus)}`);
  if (result === "success" && cfg.remainAfterExit && !run.stopRequested) {
    ctx.setState("active", "exited");
    await run.stopped;
  }
  return result;
}

/**
 * Stops what is left of the run and returns the final result. As in systemd, a failing
 * ExecStop=/ExecStopPost= command (without "-") or a timeout ends its list and makes the
 * result a failure, and so does needing SIGKILL ("timeout").
 */
export async function stopPhase(ctx: PhaseContext, startedOk: boolean, result: ServiceResult): Promise<ServiceResult> {
  const cfg = ctx.run.config;
  let final = result;
  const worse = (r: ServiceResult) => {
    if (final === "success") final = r;
  };
  if (startedOk && cfg.execStop.length > 0) {
    ctx.setState("deactivating", "stop");
    worse(await stopCommands(ctx, cfg.execStop, "ExecStop"));
  }
  if ((await killRemaining(ctx, "stop")) === "timeout") worse("timeout");
  if (cfg.execStopPost.length > 0) {
    ctx.setState("deactivating", "stop-post");
    worse(await stopCommands(ctx, cfg.execStopPost, "ExecStopPost"));
    if ((await killRemaining(ctx, "final")) === "timeout") worse("timeout");
  }
  return final;
}

/** Runs a stop list within one TimeoutStopSec=; the first failure ends it. */
async function stopCommands(ctx: PhaseContext, cmds: readonly ExecCommand[], label: string): Promise<ServiceResult> {
  const deadline = ctx.clock.now() + ctx.run.config.timeoutStopMs;
  for (const cmd of cmds) {
    const ran = await runToEnd(ctx, cmd, "control", label, deadline, false);
    if (ran.kind !== "exited") return "timeout";
    const r = judge(ctx, cmd, "control", ran);
    if (r !== "success") return r;
  }
  return "success";
}

/** KillSignal= then SIGKILL per KillMode=; "timeout" when SIGKILL was needed. */
async function killRemaining(ctx: PhaseContext, stage: "stop" | "final"): Promise<"ok" | "timeout"> {
  const { run } = ctx;
  const cfg = run.config;
  if (cfg.killMode === "none") return "ok";
  const waitScope = cfg.killMode === "process" ? "main" : "all";
  if (run.gone(waitScope)) return "ok";
  ctx.setState("deactivating", `${stage}-sigterm`);
  run.signal(cfg.killSignal, cfg.killMode === "control-group" ? "all" : "main");
  if (cfg.killMode === "control-group") run.signal("SIGCONT", "all"); // stopped processes must see it
  if (await run.waitGone(waitScope, cfg.timeoutStopMs)) return "ok";
  if (!cfg.sendSigkill) return "timeout";
  run.log(`${run.unit}: State '${stage}-sigterm' timed out. Killing.`);
  ctx.setState("deactivating", `${stage}-sigkill`);
  run.signal("SIGKILL", cfg.killMode === "process" ? "main" : "all");
  if (!(await run.waitGone(waitScope, Math.min(cfg.timeoutStopMs, SIGKILL_WAIT_MS)))) {
    run.log(`${run.unit}: Processes still around after SIGKILL. Ignoring.`);
  }
  return "timeout";
}
