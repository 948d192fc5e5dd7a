// The side-effect boundary of the process executor: spawning, signalling process groups,
// and the few file-system questions a start asks. Unit tests inject a fake; production
// uses nodeProcessHost().
//
// Every unit process is spawned detached: setsid() makes it the leader of a new session
// and process group (pgid = pid), so stop() can signal the whole tree it forked
// (`sleep 1000 &` included) with kill(-pgid) — the process-group stand-in for systemd's
// KillMode=control-group. Such groups survive their parent's death by design, so the
// executor also tells a guard process (guard.ts) about every group; the guard kills them
// when the host process disappears, however it dies.
import { spawn, type ChildProcess } from "node:child_process";
import { constants as fsConstants } from "node:fs";
import { access, readdir, readFile, stat } from "node:fs/promises";
import { closeSync, openSync, readdirSync, readFileSync } from "node:fs";
import type { ExitStatus } from "./outcome";

export interface SpawnSpec {
  /** Absolute path of the executable. */
  readonly file: string;
  /** argv[0] first. */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /**
   * File the process gets as stdout and stderr, opened for appending (created if
   * missing): its output goes there without passing through this process.
   */
  readonly output: string;
}

export interface SpawnHooks {
  /** Called synchronously right after the fork, before anything else can run. */
  readonly onPid: (pid: number) => void;
}

export interface ChildHandle {
  readonly pid: number;
  /** Settles when the process has exited; everything it wrote is in its output file by then. */
  readonly exit: Promise<ExitStatus>;
}

/** A failed spawn: the output file could not be opened (systemd's step STDOUT), or exec failed. */
export type SpawnOutcome = { readonly ok: true; readonly child: ChildHandle } | { readonly ok: false; readonly stage: "output" | "exec"; readonly error: string };

export interface ProcessHost {
  /** Spawns in a new process group; settles once exec succeeded or failed. */
  spawn(spec: SpawnSpec, hooks: SpawnHooks): Promise<SpawnOutcome>;
  /** Signals every process of group `pgid`; false when there is none. */
  signalGroup(pgid: number, signal: NodeJS.Signals): boolean;
  /** Signals one process; false when it is gone. */
  signalProcess(pid: number, signal: NodeJS.Signals): boolean;
  /** True while a live (non-zombie) process of the group exists. */
  groupAlive(pgid: number): boolean;
  isExecutable(path: string): Promise<boolean>;
  isDirectory(path: string): Promise<boolean>;
  /** A file's text, or undefined when it does not exist. Other errors throw. */
  readText(path: string): Promise<string | undefined>;
  /** Names in a directory, or undefined when it does not exist. */
  listDirectory(path: string): Promise<string[] | undefined>;
}

function kill(target: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(target, signal);
    return true;
  } catch {
    return false; // ESRCH: gone; EPERM: not ours to signal, so not ours to wait for
  }
}

/**
 * Live process groups from one /proc scan, cached briefly: stopping many units polls
 * many groups, and one scan answers them all. Zombies do not count — in containers whose
 * PID 1 never reaps, an orphan stays a zombie forever yet holds nothing.
 * A scan reads every process's stat file, so it costs O(processes on the computer) —
 * with a few thousand (local machines side by side) ~0.1 s of CPU and as much garbage.
 * So it is the last resort: a group whose leader (pid = pgid, always a child of ours)
 * still runs is alive, and so is one whose leader is a zombie that libuv is about to reap
 * (the next poll, after the reap, sees the truth); only a group whose leader is gone
 * while kill(-pgid, 0) still succeeds (leftover children, perhaps zombies) needs a scan.
 */
class ProcGroups {
  private at = -Infinity;
  private live = new Set<number>();

  /** A group created after the last scan would read as gone: spawns call this. */
  invalidate(): void {
    this.at = -Infinity;
  }

  has(pgid: number): boolean {
    if (leaderHolds(pgid)) return true;
    const now = performance.now();
    if (now - this.at > 10) {
      this.live = scanLiveGroups();
      this.at = now;
    }
    return this.live.has(pgid);
  }
}

/** State, parent and process group of a process, from /proc/<pid>/stat; undefined when gone. */
function procStat(pid: number | string): { state: string; ppid: number; pgrp: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    // "pid (comm) S ppid pgrp …" — comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ", 3);
    return { state: fields[0]!, ppid: Number(fields[1]), pgrp: Number(fields[2]) };
  } catch {
    return undefined; // the process ended (or never was)
  }
}

const dead = (state: string) => state === "Z" || state === "X";

/**
 * True when process `pgid` still leads group `pgid` (not a reused pid) and either runs
 * or is our own unreaped child.
 */
function leaderHolds(pgid: number): boolean {
  const p = procStat(pgid);
  return p !== undefined && p.pgrp === pgid && (!dead(p.state) || p.ppid === process.pid);
}

function scanLiveGroups(): Set<number> {
  const live = new Set<number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const p = procStat(entry);
    if (p && !dead(p.state)) live.add(p.pgrp);
  }
  return live;
}

const HAS_PROC = (() => {
  try {
    return readdirSync("/proc").includes("self");
  } catch {
    return false;
  }
})();

export function nodeProcessHost(): ProcessHost {
  const groups = new ProcGroups();
  return {
    spawn: (spec, hooks) => {
      groups.invalidate();
      return spawnDetached(spec, hooks);
    },
    signalGroup: (pgid, signal) => kill(-pgid, signal),
    signalProcess: (pid, signal) => kill(pid, signal),
    groupAlive: (pgid) => kill(-pgid, 0) && (!HAS_PROC || groups.has(pgid)),
    isExecutable: (path) =>
      stat(path).then(
        (s) => s.isFile() && access(path, fsConstants.X_OK).then(() => true, () => false),
        () => false,
      ),
    isDirectory: (path) => stat(path).then((s) => s.isDirectory(), () => false),
    readText: (path) => readFile(path, "utf8").catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" ? undefined : Promise.reject(e))),
    listDirectory: (path) => readdir(path).catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" ? undefined : Promise.reject(e))),
  };
}

function spawnDetached(spec: SpawnSpec, hooks: SpawnHooks): Promise<SpawnOutcome> {
  let fd: number;
  try {
    fd = openSync(spec.output, "a");
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return Promise.resolve({ ok: false, stage: "output", error: `${spec.output}: ${err.code ?? "error"}: ${err.message}` });
  }
  let child: ChildProcess;
  try {
    // The child gets its own copies of the descriptor during spawn(), so ours closes
    // right after: the unit's processes then hold the file alone.
    child = spawn(spec.file, spec.argv.slice(1), { argv0: spec.argv[0], env: spec.env, cwd: spec.cwd, detached: true, stdio: ["ignore", fd, fd] });
  } finally {
    closeSync(fd);
  }
  if (child.pid !== undefined) hooks.onPid(child.pid);
  child.on("error", () => undefined); // later errors (none expected) must not crash the host
  const exit = new Promise<ExitStatus>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return new Promise((resolve) => {
    child.once("spawn", () => resolve({ ok: true, child: { pid: child.pid!, exit } }));
    child.once("error", (e: NodeJS.ErrnoException) => resolve({ ok: false, stage: "exec", error: `${e.code ?? "error"}: ${e.message}` }));
  });
}
