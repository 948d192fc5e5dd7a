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
import { spawn } from "node:child_process";
import { constants as fsConstants } from "node:fs";
import { access, readdir, readFile, stat } from "node:fs/promises";
import { readdirSync, readFileSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import type { ExitStatus } from "./outcome";

export interface SpawnSpec {
  /** Absolute path of the executable. */
  readonly file: string;
  /** argv[0] first. */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
}

export interface SpawnHooks {
  /** One line of output, without its newline (long lines arrive in pieces). */
  readonly onLine: (stream: "out" | "err", line: string) => void;
  /** Called synchronously right after the fork, before anything else can run. */
  readonly onPid: (pid: number) => void;
}

export interface ChildHandle {
  readonly pid: number;
  /** Settles when the process has exited (its output may still be draining). */
  readonly exit: Promise<ExitStatus>;
  /**
   * Settles when its stdout and stderr reached EOF — all its lines are in the journal.
   * May never settle while a background child holds the pipes open.
   */
  readonly drained: Promise<void>;
}

export type SpawnOutcome = { readonly ok: true; readonly child: ChildHandle } | { readonly ok: false; readonly error: string };

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

/** systemd's LineMax= default: longer lines are split. */
export const LINE_MAX = 48 * 1024;

/** Turns chunks into lines: UTF-8 safe across chunks, "\r\n" kept as "\r" dropped. */
export class LineSplitter {
  private readonly decoder = new StringDecoder("utf8");
  private rest = "";

  constructor(private readonly emit: (line: string) => void) {}

  push(chunk: Buffer): void {
    this.rest += this.decoder.write(chunk);
    for (let nl = this.rest.indexOf("\n"); nl >= 0; nl = this.rest.indexOf("\n")) {
      this.emitLine(this.rest.slice(0, nl));
      this.rest = this.rest.slice(nl + 1);
    }
    while (this.rest.length > LINE_MAX) {
      this.emit(this.rest.slice(0, LINE_MAX));
      this.rest = this.rest.slice(LINE_MAX);
    }
  }

  end(): void {
    this.rest += this.decoder.end();
    if (this.rest !== "") this.emitLine(this.rest);
    this.rest = "";
  }

  private emitLine(line: string): void {
    const l = line.endsWith("\r") ? line.slice(0, -1) : line;
    for (let i = 0; i < l.length || i === 0; i += LINE_MAX) this.emit(l.slice(i, i + LINE_MAX));
  }
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
 */
class ProcGroups {
  private at = -Infinity;
  private live = new Set<number>();

  /** A group created after the last scan would read as gone: spawns call this. */
  invalidate(): void {
    this.at = -Infinity;
  }

  has(pgid: number): boolean {
    const now = performance.now();
    if (now - this.at > 10) {
      this.live = scanLiveGroups();
      this.at = now;
    }
    return this.live.has(pgid);
  }
}

function scanLiveGroups(): Set<number> {
  const live = new Set<number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "latin1");
      // "pid (comm) S ppid pgrp …" — comm may hold spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields[0] !== "Z" && fields[0] !== "X") live.add(Number(fields[2]));
    } catch {
      // the process ended during the scan
    }
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
  const child = spawn(spec.file, spec.argv.slice(1), {
    argv0: spec.argv[0],
    env: spec.env,
    cwd: spec.cwd,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid !== undefined) hooks.onPid(child.pid);
  child.on("error", () => undefined); // later errors (none expected) must not crash the host
  const out = new LineSplitter((l) => hooks.onLine("out", l));
  const err = new LineSplitter((l) => hooks.onLine("err", l));
  child.stdout?.on("data", (c: Buffer) => out.push(c));
  child.stdout?.on("end", () => out.end());
  child.stderr?.on("data", (c: Buffer) => err.push(c));
  child.stderr?.on("end", () => err.end());
  const exit = new Promise<ExitStatus>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const drained = new Promise<void>((resolve) => child.once("close", () => resolve()));
  return new Promise((resolve) => {
    child.once("spawn", () => resolve({ ok: true, child: { pid: child.pid!, exit, drained } }));
    child.once("error", (e: NodeJS.ErrnoException) => resolve({ ok: false, error: `${e.code ?? "error"}: ${e.message}` }));
  });
}
