import { controlResult, describeExit, mainResult, shouldRestart, StartLimiter, type ServiceResult } from "../../../runtime/executor/process/outcome";
import type { RestartPolicy } from "../../../runtime/executor/service-config";

const simple = { type: "simple" as const, successExitStatus: { codes: [], signals: [] } };
const oneshot = { ...simple, type: "oneshot" as const };

test("clean exits: 0 always; HUP INT TERM PIPE only for daemons; SuccessExitStatus= adds", () => {
  expect(mainResult({ code: 0, signal: null }, simple)).toBe("success");
  expect(mainResult({ code: 1, signal: null }, simple)).toBe("exit-code");
  expect(mainResult({ code: null, signal: "SIGTERM" }, simple)).toBe("success");
  expect(mainResult({ code: null, signal: "SIGTERM" }, oneshot)).toBe("signal");
  expect(mainResult({ code: null, signal: "SIGKILL" }, simple)).toBe("signal");
  expect(mainResult({ code: null, signal: "SIGSEGV" }, simple)).toBe("core-dump");
  const custom = { type: "simple" as const, successExitStatus: { codes: [3], signals: ["SIGUSR1" as const] } };
  expect(mainResult({ code: 3, signal: null }, custom)).toBe("success");
  expect(mainResult({ code: null, signal: "SIGUSR1" }, custom)).toBe("success");
  expect(controlResult({ code: null, signal: "SIGTERM" })).toBe("signal");
  expect(describeExit({ code: 1, signal: null })).toBe("code=exited, status=1/FAILURE");
  expect(describeExit({ code: 209, signal: null })).toBe("code=exited, status=209/STDOUT");
  expect(describeExit({ code: null, signal: "SIGKILL" })).toBe("code=killed, signal=KILL");
});

test("Restart= follows systemd.service(5)'s table", () => {
  const results: ServiceResult[] = ["success", "exit-code", "signal", "timeout"];
  const table: Record<RestartPolicy, string> = {
    // clean, unclean exit code, unclean signal, timeout
    no: "----",
    always: "XXXX",
    "on-success": "X---",
    "on-failure": "-XXX",
    "on-abnormal": "--XX",
    "on-abort": "--X-",
    "on-watchdog": "----",
  };
  for (const [policy, row] of Object.entries(table)) {
    expect(results.map((r) => (shouldRestart(policy as RestartPolicy, r) ? "X" : "-")).join("")).toBe(row);
  }
  expect(shouldRestart("always", "start-limit-hit")).toBe(false);
});

test("the start limit counts starts in a window opened by the first one (systemd's ratelimit); 0 turns it off", () => {
  const l = new StartLimiter({ intervalMs: 10_000, burst: 3 });
  expect([0, 1, 2, 3, 10_000].map((t) => l.allow(t))).toEqual([true, true, true, false, false]);
  expect([10_001, 10_002, 10_003, 10_004].map((t) => l.allow(t))).toEqual([true, true, true, false]); // a new window
  const off = new StartLimiter({ intervalMs: 0, burst: 1 });
  expect([0, 0, 0].every((t) => off.allow(t))).toBe(true);
});
