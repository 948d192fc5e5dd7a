// Background processes of a local cluster: started detached (each its own process
// group, so a whole machine's tree dies with one signal), recorded by pid *and* start
// time so that a later `local down` never signals a recycled pid, and stopped with
// SIGTERM then SIGKILL after a bounded wait.
import { spawn } from "node:child_process";
import { closeSync, openSync, readdirSync, readFileSync } from "node:fs";

export interface ProcessRef {
  readonly pid: number;
  /** Kernel start time (clock ticks since boot, /proc/<pid>/stat field 22). */
  readonly startTime: number;
}

/** The kernel's start time of `pid`, or undefined when no such process exists. */
export function startTimeOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may contain spaces or ')'.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const state = rest[0];
    if (state === "Z" || state === "X") return undefined; // exited, not yet reaped
    const t = Number(rest[19]);
    return Number.isFinite(t) ? t : undefined;
  } catch {
    return undefined;
  }
}

/** True when the recorded process is still the same live process. */
export function isAlive(ref: ProcessRef): boolean {
  return startTimeOf(ref.pid) === ref.startTime;
}

/** Every live pid whose process group is `pgid` (a machine's whole tree). */
export function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "utf8");
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(rest[2]) === pgid && rest[0] !== "Z") out.push(Number(e));
    } catch {
      // raced with exit
    }
  }
  return out;
}

export interface SpawnDetachedOptions {
  readonly args: readonly string[];
  readonly logFile: string;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Starts `command` in a new session/process group, output appended to `logFile`. */
export function spawnDetached(command: string, opts: SpawnDetachedOptions): ProcessRef {
  const fd = openSync(opts.logFile, "a");
  try {
    const child = spawn(command, [...opts.args], {
      detached: true,
      stdio: ["ignore", fd, fd],
      cwd: opts.cwd,
      env: opts.env ?? process.env,
    });
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    child.unref();
    const startTime = startTimeOf(child.pid);
    if (startTime === undefined) throw new Error(`${command} exited immediately; see ${opts.logFile}`);
    return { pid: child.pid, startTime };
  } finally {
    closeSync(fd);
  }
}

/** SIGKILLs the whole process group led by `ref` (a simulated machine death). */
export function killGroup(ref: ProcessRef, signal: NodeJS.Signals = "SIGKILL"): boolean {
  if (!isAlive(ref)) return false;
  try {
    process.kill(-ref.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops a process group: SIGTERM to the group, then SIGKILL to whatever is left after
 * `graceMs`. Resolves once no member of the group is alive (bounded by graceMs + 5 s).
 */
export async function stopGroup(ref: ProcessRef, graceMs = 5000): Promise<void> {
  if (isAlive(ref)) {
    try {
      process.kill(-ref.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && groupMembers(ref.pid).length > 0) await new Promise((r) => setTimeout(r, 50));
  if (groupMembers(ref.pid).length > 0) {
    try {
      process.kill(-ref.pid, "SIGKILL");
    } catch {
      // gone between the check and the kill
    }
    const hard = Date.now() + 5000;
    while (Date.now() < hard && groupMembers(ref.pid).length > 0) await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every live descendant of `pid` (and `pid` itself), with start times, from /proc. */
export function processTree(pid: number): ProcessRef[] {
  const children = new Map<number, number[]>();
  const starts = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "utf8");
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (rest[0] === "Z") continue;
      const ppid = Number(rest[1]);
      starts.set(Number(e), Number(rest[19]));
      children.set(ppid, [...(children.get(ppid) ?? []), Number(e)]);
    } catch {
      // raced with exit
    }
  }
  const out: ProcessRef[] = [];
  const queue = [pid];
  const seen = new Set<number>();
  while (queue.length > 0 && seen.size < 100_000) {
    const p = queue.shift()!;
    if (seen.has(p)) continue;
    seen.add(p);
    const st = starts.get(p);
    if (st !== undefined) out.push({ pid: p, startTime: st });
    queue.push(...(children.get(p) ?? []));
  }
  return out;
}

/** SIGKILLs every process of a snapshot that is still the same process. */
export function killAll(refs: readonly ProcessRef[]): number {
  let n = 0;
  for (const r of refs) {
    if (!isAlive(r)) continue;
    try {
      process.kill(r.pid, "SIGKILL");
      n++;
    } catch {
      // gone
    }
  }
  return n;
}
