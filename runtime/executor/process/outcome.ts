// Pure rules for how a run ended and what follows, as systemd.service(5) states them:
// which exits are clean, which results Restart= restarts, and the start rate limit.
import type { RestartPolicy, ServiceConfig } from "../service-config";

/** How a process ended (Node's 'exit' event), or a spawn that never ran. */
export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** systemd's service results (`systemctl show -p Result`), those this executor produces. */
export type ServiceResult = "success" | "exit-code" | "signal" | "core-dump" | "timeout" | "resources" | "start-limit-hit";

/** Daemons may end on these and still be "clean" (Type=oneshot and control commands may not). */
const CLEAN_DAEMON_SIGNALS: readonly string[] = ["SIGHUP", "SIGINT", "SIGTERM", "SIGPIPE"];
const CORE_SIGNALS: readonly string[] = ["SIGABRT", "SIGBUS", "SIGFPE", "SIGILL", "SIGQUIT", "SIGSEGV", "SIGSYS", "SIGTRAP", "SIGXCPU", "SIGXFSZ"];

/** Exit statuses systemd uses when it could not even exec the command. */
export const EXIT_CHDIR = 200;
export const EXIT_EXEC = 203;
export const EXIT_STDOUT = 209;

/** Result of a main process exit, with SuccessExitStatus= applied. */
export function mainResult(s: ExitStatus, config: Pick<ServiceConfig, "type" | "successExitStatus">): ServiceResult {
  if (s.code !== null) return s.code === 0 || config.successExitStatus.codes.includes(s.code) ? "success" : "exit-code";
  const sig = s.signal ?? "SIGKILL";
  if (config.successExitStatus.signals.includes(sig)) return "success";
  if (config.type !== "oneshot" && CLEAN_DAEMON_SIGNALS.includes(sig)) return "success";
  return CORE_SIGNALS.includes(sig) ? "core-dump" : "signal";
}

/** Result of a control command (ExecStartPre= & co.): only exit 0 is clean. */
export function controlResult(s: ExitStatus): ServiceResult {
  if (s.code !== null) return s.code === 0 ? "success" : "exit-code";
  return CORE_SIGNALS.includes(s.signal ?? "") ? "core-dump" : "signal";
}

/** systemd.service(5)'s Restart= table; a stop the user asked for never restarts. */
export function shouldRestart(policy: RestartPolicy, result: ServiceResult): boolean {
  switch (policy) {
    case "no":
      return false;
    case "always":
      return result !== "start-limit-hit";
    case "on-success":
      return result === "success";
    case "on-failure":
      return result !== "success" && result !== "start-limit-hit";
    case "on-abnormal":
      return result === "signal" || result === "core-dump" || result === "timeout";
    case "on-abort":
      return result === "signal" || result === "core-dump";
    case "on-watchdog":
      return false; // no watchdog here, so never
    default: {
      const _never: never = policy;
      return _never;
    }
  }
}

/** "code=exited, status=1/FAILURE" / "code=killed, signal=TERM", as systemd logs exits. */
export function describeExit(s: ExitStatus): string {
  if (s.code !== null) {
    const name = s.code === 0 ? "/SUCCESS" : s.code === 1 ? "/FAILURE" : s.code === EXIT_EXEC ? "/EXEC" : s.code === EXIT_CHDIR ? "/CHDIR" : s.code === EXIT_STDOUT ? "/STDOUT" : "";
    return `code=exited, status=${s.code}${name}`;
  }
  return `code=killed, signal=${(s.signal ?? "SIGKILL").replace(/^SIG/, "")}`;
}

/**
 * StartLimitBurst= starts within StartLimitIntervalSec=, as systemd's ratelimit counts
 * them: a fixed window opens at the first start and closes `intervalMs` later; within it
 * at most `burst` starts are allowed. `allow(now)` counts a start and says if it may be.
 */
export class StartLimiter {
  private begin = -Infinity;
  private count = 0;

  constructor(private readonly limit: { readonly intervalMs: number; readonly burst: number }) {}

  allow(now: number): boolean {
    if (this.limit.intervalMs === 0) return true;
    if (now - this.begin > this.limit.intervalMs) {
      this.begin = now;
      this.count = 0;
    }
    if (this.count >= this.limit.burst) return false;
    this.count++;
    return true;
  }

  /** Forgets past starts (a new unit version, or `reset-failed`). */
  reset(): void {
    this.begin = -Infinity;
    this.count = 0;
  }
}
