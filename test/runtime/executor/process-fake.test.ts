// The process executor's state machine on a scripted host and a manual clock: restarts,
// the start limit, stop escalation and timeouts run in milliseconds, deterministically.
import { ExecutorError } from "../../../runtime/executor/errors";
import { ProcessExecutor } from "../../../runtime/executor/process/executor";
import type { UnitOption, UnitStatus } from "../../../runtime/executor/types";
import { tempDir } from "../../support/tmp";
import { advance, FakeHost, settle, type Behaviour } from "./fake-host";

const S = (name: string, value: string): UnitOption => ({ section: "Service", name, value });

function setup(behave?: (argv: readonly string[]) => Behaviour) {
  const host = new FakeHost(behave);
  const ex = new ProcessExecutor({ journalDir: tempDir("hafen-fake-j-"), host, clock: host.clock, monotonic: () => host.clock.now(), pollMs: 10 });
  const seen: string[] = [];
  ex.onChange((s: UnitStatus) => seen.push(`${s.activeState}/${s.subState}`));
  const status = async (name = "u.service") => (await ex.list()).find((s) => s.name === name)!;
  return { host, ex, seen, status };
}

const load = (ex: ProcessExecutor, options: UnitOption[], name = "u.service") => ex.load({ name, hash: "h1", options });

afterEach(async () => settle());

test("start-pre, start and start-post run in order through systemd's sub-states", async () => {
  const { host, ex, seen, status } = setup((argv) => (argv[0] === "/bin/main" ? { kind: "run" } : { kind: "exit", code: 0 }));
  await load(ex, [S("ExecStartPre", "/bin/pre1"), S("ExecStartPre", "/bin/pre2"), S("ExecStart", "/bin/main"), S("ExecStartPost", "/bin/post")]);
  await ex.start("u.service");
  expect(host.spawned.map((a) => a[0])).toEqual(["/bin/pre1", "/bin/pre2", "/bin/main", "/bin/post"]);
  expect(seen.filter((s, i) => s !== seen[i - 1])).toEqual(["inactive/dead", "activating/start-pre", "activating/start", "activating/start-post", "active/running"]);
  expect((await status()).pid).toBe(host.byArgv0("/bin/main")[0]!.pid);
  await ex.close();
});

test("Restart=always restarts a crashed main process after RestartSec", async () => {
  const { host, ex, status } = setup(() => ({ kind: "run" }));
  await load(ex, [S("ExecStart", "/bin/main"), S("Restart", "always"), S("RestartSec", "1s")]);
  await ex.start("u.service");
  host.processes[0]!.die({ code: 1, signal: null });
  await settle();
  expect(await status()).toMatchObject({ activeState: "activating", subState: "auto-restart" });
  await advance(host.clock, 990);
  expect(host.processes).toHaveLength(1);
  await advance(host.clock, 20);
  expect(host.processes).toHaveLength(2);
  expect(await status()).toMatchObject({ activeState: "active", subState: "running", pid: host.processes[1]!.pid });
  expect(ex.events().map((e) => e.event)).toEqual(["started", "exited", "restarting", "started"]);
  const [s1, x1] = ex.events();
  expect(s1!.invocation).toBe(x1!.invocation);
  expect(x1!.detail).toBe("exit-code");
  await ex.close();
});

test("the start limit (5 starts in 10 s) ends the restarts in failed; a start after the interval works", async () => {
  const { host, ex, status } = setup(() => ({ kind: "exit", code: 1 }));
  await load(ex, [S("ExecStart", "/bin/false"), S("Restart", "always"), S("RestartSec", "100ms")]);
  await ex.start("u.service");
  await advance(host.clock, 2000);
  expect(host.processes).toHaveLength(5);
  expect(await status()).toMatchObject({ activeState: "failed", subState: "failed" });
  expect(await ex.journal("u.service", 2)).toEqual(["u.service: Start request repeated too quickly.", "u.service: Failed with result 'start-limit-hit'."]);
  await expect(ex.start("u.service")).rejects.toMatchObject({ code: "start-limit-hit" });
  await advance(host.clock, 10_000, 1000);
  await ex.stop("u.service");
  host.behave = () => ({ kind: "run" });
  await ex.start("u.service");
  expect(await status()).toMatchObject({ activeState: "active", subState: "running" });
  await ex.close();
});

test("Restart=on-failure does not restart a clean exit, and a user stop never restarts", async () => {
  const { host, ex, status } = setup(() => ({ kind: "run" }));
  await load(ex, [S("ExecStart", "/bin/main"), S("Restart", "on-failure")]);
  await ex.start("u.service");
  host.processes[0]!.die({ code: 0, signal: null });
  await advance(host.clock, 500);
  expect(await status()).toMatchObject({ activeState: "inactive", subState: "dead" });
  await ex.start("u.service");
  await ex.stop("u.service");
  await advance(host.clock, 500);
  expect(host.processes).toHaveLength(2);
  expect(await status()).toMatchObject({ activeState: "inactive", subState: "dead" });
});

test("stop: ExecStop with $MAINPID, then SIGTERM, then SIGKILL after TimeoutStopSec", async () => {
  const { host, ex, seen, status } = setup((argv) => (argv[0] === "/bin/main" ? { kind: "run", ignore: ["SIGTERM"] } : { kind: "exit", code: 0 }));
  await load(ex, [S("ExecStart", "/bin/main"), S("ExecStop", "/bin/stopper ${MAINPID}"), S("TimeoutStopSec", "5s")]);
  await ex.start("u.service");
  const main = host.processes[0]!;
  const stopping = ex.stop("u.service");
  await settle();
  const stopper = host.byArgv0("/bin/stopper")[0]!;
  expect(stopper.spec.argv).toEqual(["/bin/stopper", String(main.pid)]);
  expect(stopper.spec.env.MAINPID).toBe(String(main.pid));
  await advance(host.clock, 4990);
  expect(main.signals).toEqual(["SIGTERM", "SIGCONT"]);
  await advance(host.clock, 30);
  await stopping;
  expect(main.signals).toEqual(["SIGTERM", "SIGCONT", "SIGKILL"]);
  expect(seen.slice(-4)).toEqual(["deactivating/stop", "deactivating/stop-sigterm", "deactivating/stop-sigkill", "failed/failed"]);
  expect(await status()).toMatchObject({ activeState: "failed" });
  expect(await ex.journal("u.service", 3)).toEqual(["Stopping u.service...", "u.service: State 'stop-sigterm' timed out. Killing.", "u.service: Failed with result 'timeout'."]);
  expect(ex.events().at(-1)).toMatchObject({ event: "stopped", detail: "timeout", pid: main.pid });
});

test.each([
  ["process", ["SIGTERM", "SIGKILL"]],
  ["mixed", ["SIGTERM", "SIGKILL"]],
  ["none", []],
] as const)("KillMode=%s signals the main process as systemd does", async (mode, expected) => {
  const { host, ex } = setup(() => ({ kind: "run", ignore: ["SIGTERM"] }));
  await load(ex, [S("ExecStart", "/bin/main"), S("KillMode", mode), S("TimeoutStopSec", "100ms")]);
  await ex.start("u.service");
  const stopping = ex.stop("u.service");
  await advance(host.clock, 300);
  await stopping;
  expect(host.processes[0]!.signals).toEqual(expected);
});

test("stop during start-pre cancels the start: no ExecStop, ExecStopPost runs, inactive", async () => {
  const { host, ex, status } = setup((argv) => (argv[0] === "/bin/slow-pre" ? { kind: "run" } : { kind: "exit", code: 0 }));
  await load(ex, [S("ExecStartPre", "/bin/slow-pre"), S("ExecStart", "/bin/main"), S("ExecStop", "/bin/stop"), S("ExecStopPost", "/bin/post")]);
  const starting = ex.start("u.service");
  await settle();
  await ex.stop("u.service");
  await expect(starting).rejects.toMatchObject({ code: "cancelled" });
  expect(host.spawned.map((a) => a[0])).toEqual(["/bin/slow-pre", "/bin/post"]);
  expect(await status()).toMatchObject({ activeState: "inactive", subState: "dead" });
});

test("TimeoutStartSec fails a start whose ExecStartPre hangs", async () => {
  const { host, ex, status } = setup(() => ({ kind: "run" }));
  await load(ex, [S("ExecStartPre", "/bin/hang"), S("ExecStart", "/bin/main"), S("TimeoutStartSec", "2s"), S("TimeoutStopSec", "1s")]);
  const starting = ex.start("u.service");
  starting.catch(() => undefined);
  await advance(host.clock, 2100);
  await expect(starting).rejects.toMatchObject({ code: "start-failed" });
  expect(await status()).toMatchObject({ activeState: "failed" });
  expect(host.processes[0]!.signals[0]).toBe("SIGTERM");
});

test("the '-' prefix forgives a failing command of each kind; without it the start fails", async () => {
  const fails = (argv: readonly string[]): Behaviour => (argv[0]!.includes("fail") ? { kind: "exit", code: 1 } : argv[0] === "/bin/main" ? { kind: "run" } : { kind: "exit", code: 0 });
  const { ex, status } = setup(fails);
  await load(ex, [S("ExecStartPre", "-/bin/fail-pre"), S("ExecStart", "/bin/main"), S("ExecStartPost", "-/bin/fail-post"), S("ExecStop", "-/bin/fail-stop")]);
  await ex.start("u.service");
  expect(await status()).toMatchObject({ activeState: "active", subState: "running" });
  expect(await ex.journal("u.service", 20)).toContain('u.service: Control process exited, code=exited, status=1/FAILURE (ignored: the command has the "-" prefix)');
  await ex.stop("u.service");
  expect(await status()).toMatchObject({ activeState: "inactive" });

  for (const [option, value] of [["ExecStartPre", "/bin/fail-pre"], ["ExecStartPost", "/bin/fail-post"]] as const) {
    const t = setup(fails);
    await load(t.ex, [S("ExecStart", "/bin/main"), S(option, value)]);
    await expect(t.ex.start("u.service")).rejects.toBeInstanceOf(ExecutorError);
    expect(await t.status()).toMatchObject({ activeState: "failed", subState: "failed" });
    await t.ex.close();
  }
});

test("oneshot: commands in order, inactive after (active/exited with RemainAfterExit)", async () => {
  const { host, ex, status } = setup(() => ({ kind: "exit", code: 0 }));
  await load(ex, [S("Type", "oneshot"), S("ExecStart", "/bin/one"), S("ExecStart", "-/bin/two ; /bin/three")]);
  await ex.start("u.service");
  await settle();
  expect(host.spawned.map((a) => a[0])).toEqual(["/bin/one", "/bin/two", "/bin/three"]);
  expect(await status()).toMatchObject({ activeState: "inactive", subState: "dead" });
  await load(ex, [S("Type", "oneshot"), S("ExecStart", "/bin/one"), S("RemainAfterExit", "yes"), S("ExecStop", "/bin/undo")], "r.service");
  await ex.start("r.service");
  expect(await status("r.service")).toMatchObject({ activeState: "active", subState: "exited" });
  await ex.stop("r.service");
  expect(host.spawned.at(-1)).toEqual(["/bin/undo"]);
});

test("Type=simple with a missing program starts, then fails; Type=exec refuses the start", async () => {
  const { host, ex, status } = setup();
  host.missing.add("/usr/bin/nope").add("/bin/nope");
  await load(ex, [S("ExecStart", "nope")]);
  await ex.start("u.service");
  await settle();
  expect(await status()).toMatchObject({ activeState: "failed" });
  expect(await ex.journal("u.service", 10)).toEqual(expect.arrayContaining(["u.service: Failed to locate executable nope: No such file or directory", "u.service: Main process exited, code=exited, status=203/EXEC"]));
  await load(ex, [S("Type", "exec"), S("ExecStart", "nope")], "e.service");
  await expect(ex.start("e.service")).rejects.toMatchObject({ code: "start-failed" });
});

test("an output file the host cannot open fails the process with systemd's 209/STDOUT, before any exec", async () => {
  const { ex, status } = setup(() => ({ kind: "fail-output" }));
  await load(ex, [S("ExecStart", "/bin/main")]);
  await ex.start("u.service");
  await settle();
  expect(await status()).toMatchObject({ activeState: "failed" });
  const lines = await ex.journal("u.service", 10);
  expect(lines).toContainEqual(expect.stringMatching(/^u\.service: Failed to set up standard output: \/.*u\.service\.log: ENOSPC: no space left on device$/));
  expect(lines).toContain("u.service: Main process exited, code=exited, status=209/STDOUT");
  await load(ex, [S("Type", "exec"), S("ExecStart", "/bin/main")], "e.service");
  await expect(ex.start("e.service")).rejects.toMatchObject({ code: "start-failed" });
  await ex.close();
});

test("a missing EnvironmentFile fails the start (result resources); '-' makes it optional", async () => {
  const { host, ex, status } = setup();
  await load(ex, [S("ExecStart", "/bin/main"), S("EnvironmentFile", "/etc/missing.env")]);
  await expect(ex.start("u.service")).rejects.toMatchObject({ code: "start-failed", message: expect.stringContaining("result 'resources'") });
  expect(await status()).toMatchObject({ activeState: "failed" });
  expect((await ex.journal("u.service", 5)).slice(-2)).toEqual(["u.service: Failed to load environment files: /etc/missing.env: No such file or directory", "u.service: Failed with result 'resources'."]);
  expect(host.processes).toHaveLength(0);
  host.files.set("/etc/b.env", "B=file\n");
  await load(ex, [S("ExecStart", "/bin/main"), S("EnvironmentFile", "-/etc/missing.env"), S("EnvironmentFile", "/etc/b.env"), S("Environment", "B=env A=env")], "o.service");
  await ex.start("o.service");
  expect(host.processes[0]!.spec.env).toMatchObject({ A: "env", B: "file", HAFEN_EXECUTOR_ID: ex.id });
  expect(host.processes[0]!.spec.env.INVOCATION_ID).toMatch(/^[0-9a-f]{32}$/);
});

test("a unit with bad settings loads with loadState error and refuses to start", async () => {
  const { ex, status } = setup();
  await load(ex, [S("ExecStart", "bin/x"), S("RestartSec", "soon")]);
  expect(await status()).toMatchObject({ loadState: "error", activeState: "inactive" });
  expect((await status()).loadError).toMatch(/ExecStart="bin\/x".*; \[Service\] RestartSec="soon"/);
  await expect(ex.start("u.service")).rejects.toMatchObject({ code: "bad-setting", message: expect.stringContaining("RestartSec") });
});

test("ignored options are written to the journal at start, never silently dropped", async () => {
  const { ex } = setup();
  await load(ex, [S("ExecStart", "/bin/main"), S("User", "core")]);
  await ex.start("u.service");
  expect(await ex.journal("u.service", 5)).toContain("u.service: User=core is not applied by the process executor (units run as the agent's user, without sandboxing or resource limits)");
});

test("start during a stop phase waits for it and then starts a new run", async () => {
  const { host, ex, status } = setup((argv) => (argv[0] === "/bin/slowstop" ? { kind: "exit", code: 0, afterMs: 500 } : { kind: "run" }));
  await load(ex, [S("ExecStart", "/bin/main"), S("ExecStop", "/bin/slowstop")]);
  await ex.start("u.service");
  host.byArgv0("/bin/main")[0]!.die({ code: 0, signal: null });
  await settle();
  expect(await status()).toMatchObject({ activeState: "deactivating", subState: "stop" });
  let started = false;
  const again = ex.start("u.service").then(() => (started = true));
  await advance(host.clock, 400);
  expect(started).toBe(false);
  await advance(host.clock, 200);
  await again;
  expect(host.byArgv0("/bin/main")).toHaveLength(2);
  expect(await status()).toMatchObject({ activeState: "active", subState: "running" });
});
