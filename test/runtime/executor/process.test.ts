// The process executor with real processes (/bin/sh, sleep, true, false): what a local
// machine's units actually do.
import { existsSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { ProcessExecutor, type ProcessExecutorOptions } from "../../../runtime/executor/process/executor";
import type { UnitOption, UnitStatus } from "../../../runtime/executor/types";
import { tempDir } from "../../support/tmp";
import { alive, groupMembers, waitFor, withEnv } from "./proc";

const S = (name: string, value: string): UnitOption => ({ section: "Service", name, value });
const U = (name: string, value: string): UnitOption => ({ section: "Unit", name, value });

const open: ProcessExecutor[] = [];
function executor(opts: Partial<ProcessExecutorOptions> = {}): ProcessExecutor {
  const ex = new ProcessExecutor({ journalDir: tempDir("hafen-proc-j-"), pollMs: 10, ...opts });
  open.push(ex);
  return ex;
}
afterEach(async () => {
  for (const ex of open.splice(0)) await ex.close();
});

async function status(ex: ProcessExecutor, name: string): Promise<UnitStatus> {
  return (await ex.list()).find((s) => s.name === name)!;
}

async function run(ex: ProcessExecutor, name: string, options: UnitOption[]): Promise<void> {
  await ex.load({ name, hash: "1", options });
  await ex.start(name);
}

describe("the '-' prefix, per Exec kind", () => {
  test("forgiven failures: /bin/false with '-' in every position still starts and stops cleanly", async () => {
    const ex = executor();
    await run(ex, "ok.service", [
      S("ExecStartPre", "-/bin/false"),
      S("ExecStart", "/bin/sleep 1000"),
      S("ExecStartPost", "-/bin/false"),
      S("ExecStop", "-/bin/false"),
      S("ExecStopPost", "-/bin/false"),
    ]);
    expect(await status(ex, "ok.service")).toMatchObject({ activeState: "active", subState: "running" });
    await ex.stop("ok.service");
    expect(await status(ex, "ok.service")).toMatchObject({ activeState: "inactive", subState: "dead" });
  });

  test.each([
    ["ExecStartPre", true],
    ["ExecStartPost", true],
    ["ExecStop", false],
    ["ExecStopPost", false],
  ])("without '-', a failing %s makes the unit fail (start refused: %s)", async (option, startFails) => {
    const ex = executor();
    await ex.load({ name: "f.service", hash: "1", options: [S("ExecStart", "/bin/sleep 1000"), S(option, "/bin/false")] });
    if (startFails) await expect(ex.start("f.service")).rejects.toMatchObject({ code: "start-failed" });
    else {
      await ex.start("f.service");
      await ex.stop("f.service");
    }
    expect(await status(ex, "f.service")).toMatchObject({ activeState: "failed", subState: "failed" });
    expect(await ex.journal("f.service", 20)).toContain("f.service: Control process exited, code=exited, status=1/FAILURE");
  });

  test("oneshot ExecStart with '-' goes on to the next command", async () => {
    const ex = executor();
    await run(ex, "o.service", [S("Type", "oneshot"), S("ExecStart", "-/bin/false"), S("ExecStart", "/bin/echo after")]);
    expect(await ex.journal("o.service", 10)).toContain("after");
    expect(await status(ex, "o.service")).toMatchObject({ activeState: "inactive", subState: "dead" });
  });
});

test("Environment= and EnvironmentFile=: files win, later wins, the file is read at start", async () => {
  const dir = tempDir("hafen-env-");
  const file = join(dir, "late.env");
  writeFileSync(join(dir, "a.env"), "FROM_A=a\nSHARED=from-a\n");
  const ex = executor();
  await run(ex, "env.service", [
    S("Type", "oneshot"),
    S("Environment", `SHARED=env "SPACED=x y" ONLY_ENV=1`),
    S("Environment", "ONLY_ENV=2"),
    S("EnvironmentFile", join(dir, "a.env")),
    S("EnvironmentFile", `-${file}`),
    // Written by a start-pre, read for the main command: files are read before each spawn.
    S("ExecStartPre", `/bin/sh -c "echo LATE=written-by-pre > ${file}"`),
    S("ExecStart", "/bin/sh -c 'echo $SHARED $SPACED $ONLY_ENV $FROM_A $LATE'"),
    S("ExecStart", "/bin/echo ${SHARED} $SPACED"),
  ]);
  expect(await ex.journal("env.service", 20)).toEqual(expect.arrayContaining(["from-a x y 2 a written-by-pre", "from-a x y"]));
});

test("WorkingDirectory=: a directory, '-' for a missing one, refusal otherwise", async () => {
  const dir = tempDir("hafen-wd-");
  const ex = executor({ defaultWorkingDirectory: "/tmp" });
  await run(ex, "wd.service", [S("Type", "oneshot"), S("WorkingDirectory", dir), S("ExecStart", "/bin/pwd")]);
  await run(ex, "opt.service", [S("Type", "oneshot"), S("WorkingDirectory", `-${dir}/missing`), S("ExecStart", "/bin/pwd")]);
  await run(ex, "home.service", [S("Type", "oneshot"), S("WorkingDirectory", "~"), S("ExecStart", "/bin/pwd")]);
  expect(await ex.journal("home.service", 5)).toContain(realpathSync(homedir()));
  expect(await ex.journal("wd.service", 5)).toContain(dir);
  expect(await ex.journal("opt.service", 5)).toContain("/tmp");
  await ex.load({ name: "bad.service", hash: "1", options: [S("Type", "oneshot"), S("WorkingDirectory", `${dir}/missing`), S("ExecStart", "/bin/pwd")] });
  await expect(ex.start("bad.service")).rejects.toMatchObject({ code: "start-failed" });
  expect(await ex.journal("bad.service", 5)).toEqual(expect.arrayContaining([`bad.service: Changing to the requested working directory failed: ${dir}/missing: No such file or directory`, "bad.service: Main process exited, code=exited, status=200/CHDIR"]));
});

test("Restart=always brings back a killed main process after RestartSec", async () => {
  const ex = executor();
  await run(ex, "r.service", [S("ExecStart", "/bin/sleep 1000"), S("Restart", "always"), S("RestartSec", "50ms")]);
  const first = (await status(ex, "r.service")).pid!;
  process.kill(first, "SIGKILL");
  expect(await waitFor(async () => ((await status(ex, "r.service")).pid ?? first) !== first)).toBe(true);
  const second = await status(ex, "r.service");
  expect(second).toMatchObject({ activeState: "active", subState: "running" });
  expect(alive(second.pid!)).toBe(true);
  expect(ex.events().map((e) => e.event)).toEqual(["started", "exited", "restarting", "started"]);
  expect(ex.events()[1]).toMatchObject({ detail: "signal", pid: first });
});

test("a unit that keeps crashing hits the start limit and stays failed", async () => {
  const ex = executor();
  await run(ex, "crash.service", [S("ExecStart", "/bin/sh -c 'echo run; exit 3'"), S("Restart", "on-failure"), S("RestartSec", "10ms"), U("StartLimitBurst", "3")]);
  expect(await waitFor(async () => (await status(ex, "crash.service")).activeState === "failed" && ex.events().filter((e) => e.event === "started").length === 3)).toBe(true);
  const lines = await ex.journal("crash.service", 100);
  expect(lines.filter((l) => l === "run")).toHaveLength(3);
  expect(lines.slice(-2)).toEqual(["crash.service: Start request repeated too quickly.", "crash.service: Failed with result 'start-limit-hit'."]);
});

test("stop kills the whole process tree, background children included", async () => {
  const ex = executor();
  await run(ex, "tree.service", [S("ExecStart", "/bin/sh -c 'sleep 1000 & sleep 1000 & echo forked; wait'")]);
  const main = (await status(ex, "tree.service")).pid!;
  expect(await waitFor(() => groupMembers(main).length === 3)).toBe(true);
  const members = groupMembers(main);
  await ex.stop("tree.service");
  expect(members.filter(alive)).toEqual([]);
  expect(await status(ex, "tree.service")).toMatchObject({ activeState: "inactive", subState: "dead" });
});

test("leftovers of a main process that exited are killed too (KillMode=control-group)", async () => {
  const ex = executor();
  await run(ex, "left.service", [S("ExecStart", "/bin/sh -c 'sleep 1000 & echo $! > /dev/null; exit 0'")]);
  const main = (await status(ex, "left.service")).pid ?? ex.events()[0]!.pid!;
  expect(await waitFor(async () => (await status(ex, "left.service")).activeState === "inactive")).toBe(true);
  expect(groupMembers(main)).toEqual([]);
});

test("a process ignoring SIGTERM is SIGKILLed after TimeoutStopSec", async () => {
  const ex = executor();
  await run(ex, "stubborn.service", [S("ExecStart", `/bin/sh -c 'trap "" TERM; echo ready; while :; do sleep 0.05; done'`), S("TimeoutStopSec", "300ms")]);
  expect(await waitFor(async () => (await ex.journal("stubborn.service", 5)).includes("ready"))).toBe(true);
  const main = (await status(ex, "stubborn.service")).pid!;
  await ex.stop("stubborn.service");
  expect(alive(main)).toBe(false);
  expect(await status(ex, "stubborn.service")).toMatchObject({ activeState: "failed" });
  expect(await ex.journal("stubborn.service", 10)).toContain("stubborn.service: State 'stop-sigterm' timed out. Killing.");
});

test("ExecStop gets $MAINPID; a oneshot with RemainAfterExit stays active/exited", async () => {
  const ex = executor();
  await run(ex, "m.service", [S("ExecStart", "/bin/sleep 1000"), S("ExecStop", "/bin/kill ${MAINPID}")]);
  const main = (await status(ex, "m.service")).pid!;
  await ex.stop("m.service");
  expect(alive(main)).toBe(false);
  expect(await status(ex, "m.service")).toMatchObject({ activeState: "inactive", subState: "dead" });
  await run(ex, "once.service", [S("Type", "oneshot"), S("RemainAfterExit", "yes"), S("ExecStart", "/bin/true")]);
  expect(await status(ex, "once.service")).toMatchObject({ activeState: "active", subState: "exited" });
});

test("Type=exec refuses a start whose program cannot run; bare names use the fixed path", async () => {
  const ex = executor();
  await ex.load({ name: "x.service", hash: "1", options: [S("Type", "exec"), S("ExecStart", "/nonexistent/prog")] });
  await expect(ex.start("x.service")).rejects.toMatchObject({ code: "start-failed" });
  await run(ex, "bare.service", [S("Type", "oneshot"), S("ExecStart", "echo bare")]);
  expect(await ex.journal("bare.service", 5)).toContain("bare");
});

describe("journal", () => {
  test("stdout and stderr lines, last N, oldest first, across rotation; follow sees new lines", async () => {
    const ex = executor({ journalMaxBytes: 500 });
    const followed: string[] = [];
    const unfollow = ex.followJournal("log.service", (l) => followed.push(l));
    await run(ex, "log.service", [S("Type", "oneshot"), S("ExecStart", "/bin/sh -c 'i=0; while [ $i -lt 100 ]; do echo line $i; i=$((i+1)); done; echo oops >&2'")]);
    unfollow();
    const last = await ex.journal("log.service", 3);
    expect(last).toEqual(["oops", "Finished log.service.", "log.service: Deactivated successfully."]);
    const forty = await ex.journal("log.service", 40);
    expect(forty.slice(0, 37)).toEqual(Array.from({ length: 37 }, (_, i) => `line ${63 + i}`));
    expect(followed).toContain("line 0");
    expect(followed).toContain("oops");
    await ex.close();
    const dir = (ex as unknown as { opts: ProcessExecutorOptions }).opts.journalDir;
    const current = readFileSync(join(dir, "log.service.log"), "utf8");
    expect(current.split("\n").length).toBeLessThan(40); // so the 40 lines above came from both files
    const older = readFileSync(join(dir, "log.service.log.1"), "utf8");
    expect(older.length).toBeLessThanOrEqual(500);
    expect(older).toMatch(/^line \d+$/m); // output as the process wrote it, no tag
    expect(await ex.journal("nothing.service", 5)).toEqual([]);
    expect(await ex.journal("../etc/passwd", 5)).toEqual([]);
  });

  test("a running unit's output stays bounded: the periodic check truncates the file it keeps open", async () => {
    const ex = executor({ journalMaxBytes: 4000, journalCheckMs: 20 });
    const dir = (ex as unknown as { opts: ProcessExecutorOptions }).opts.journalDir;
    await run(ex, "chatty.service", [S("ExecStart", "/bin/sh -c 'i=0; while :; do echo chatty line $i; i=$((i+1)); done'")]);
    const file = join(dir, "chatty.service.log");
    expect(await waitFor(() => existsSync(`${file}.1`))).toBe(true);
    const sizes: number[] = [];
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 25));
      sizes.push(statSync(file).size, statSync(`${file}.1`).size);
    }
    // Bounded by the writes of one check interval on top of the cap, not by run time.
    expect(Math.max(...sizes)).toBeLessThan(4 << 20);
    expect(statSync(`${file}.1`).size).toBeLessThanOrEqual(4000);
    const tail = await ex.journal("chatty.service", 5);
    expect(tail).toHaveLength(5);
    for (const l of tail) expect(l).toMatch(/^chatty line \d+$|^chatty line$|^chatty li|^\d*$/);
    // After truncation the process writes at the start again: no run of NULs.
    expect(readFileSync(file).includes(0)).toBe(false);
    await ex.stop("chatty.service");
  });

  test("an output file that cannot be opened fails the start, and the lost journal lines are reported", async () => {
    const ex = executor();
    const dir = (ex as unknown as { opts: ProcessExecutorOptions }).opts.journalDir;
    mkdirSync(join(dir, "noout.service.log")); // a directory: open for appending fails
    await ex.load({ name: "noout.service", hash: "1", options: [S("Type", "exec"), S("ExecStart", "/bin/sleep 1000")] });
    await expect(ex.start("noout.service")).rejects.toMatchObject({ code: "start-failed" });
    expect(await status(ex, "noout.service")).toMatchObject({ activeState: "failed" });
    await expect(ex.journal("noout.service", 5)).rejects.toThrow(/journal lines were lost/);
  });
});

test("the event log file has a started and an end record with pid, wall and monotonic time", async () => {
  const dir = tempDir("hafen-ev-");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "events.jsonl");
  const ex = executor({ eventLog: file });
  await run(ex, "e.service", [S("ExecStart", "/bin/sleep 1000")]);
  await ex.stop("e.service");
  const records = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  expect(records).toEqual([
    { at: expect.any(Number), mono: expect.any(Number), unit: "e.service", event: "started", pid: expect.any(Number), invocation: expect.stringMatching(/^[0-9a-f]{32}$/), detail: "ExecStart" },
    { at: expect.any(Number), mono: expect.any(Number), unit: "e.service", event: "stopped", pid: records[0].pid, invocation: records[0].invocation, detail: "success" },
  ]);
  expect(records[1].mono).toBeGreaterThanOrEqual(records[0].mono);
});

test("close() stops every unit and leaves no process of this executor behind", async () => {
  const ex = executor();
  await run(ex, "a.service", [S("ExecStart", "/bin/sh -c 'sleep 1000 & setsid sleep 1001 & wait'")]);
  await run(ex, "b.service", [S("ExecStart", "/bin/sleep 1000")]);
  expect(await waitFor(() => withEnv("HAFEN_EXECUTOR_ID", ex.id).length === 4)).toBe(true);
  await ex.close();
  // The setsid child left the unit's group, so stop() cannot see it; the guard's sweep does.
  expect(await waitFor(() => withEnv("HAFEN_EXECUTOR_ID", ex.id).length === 0)).toBe(true);
  await expect(ex.start("a.service")).rejects.toMatchObject({ code: "closed" });
});
