// Host-death protection for the process executor.
//
// Unit processes run in process groups of their own (host.ts), so a `kill -9 -<pgid>` of
// the machine's process tree does not reach them, and Node cannot ask the kernel to kill
// children with their parent (no prctl(PR_SET_PDEATHSIG)). So each executor keeps one
// tiny guard: a `/bin/sh` loop in its own session whose stdin is a pipe from the host.
// The host writes every run and process group to it as they appear and vanish. When the
// pipe reaches EOF — the host closed it, exited, or was SIGKILLed — the guard:
//   1. SIGKILLs every process group still listed;
//   2. SIGKILLs every process whose environment carries HAFEN_EXECUTOR_ID=<this
//      executor's id> (Linux /proc), which catches children that left their group with
//      setsid() — the process group's blind spot;
//   3. appends a "stopped" record (detail "host-died") to the JSONL event log for every
//      run the host had not closed, so the at-most-once proof has an end for each start.
// The window between fork() and the write of the new group to the pipe is a few
// microseconds of synchronous JavaScript, and step 2 covers it on Linux.
// Why not keep units in the machine's own process group instead? Then stop() could not
// signal a unit's tree as one group; it would need a /proc scan per stop, which costs
// O(processes) for each of thousands of units.
import { spawn, type ChildProcess } from "node:child_process";
import type { Socket } from "node:net";

const SCRIPT = String.raw`
log=$1 tag=$2 runs='' pgs=''
while IFS=' ' read -r op a b; do
  case $op in
    run) runs="$runs $a:$b" ;;
    end) n=''; for r in $runs; do [ "\${r%%:*}" = "$a" ] || n="$n $r"; done; runs=$n ;;
    pg) pgs="$pgs $a" ;;
    gone) n=''; for g in $pgs; do [ "$g" = "$a" ] || n="$n $g"; done; pgs=$n ;;
  esac
done
for g in $pgs; do kill -s KILL -- "-$g" 2>/dev/null; done
if [ -n "$tag" ] && [ -d /proc/self ]; then
  i=0
  while [ $i -lt 5 ]; do
    found=''
    for f in $(grep -lzsx "HAFEN_EXECUTOR_ID=$tag" /proc/[0-9]*/environ 2>/dev/null); do
      p=\${f#/proc/}; p=\${p%/environ}
      if [ "$p" != "$$" ] && kill -s KILL "$p" 2>/dev/null; then found=1; fi
    done
    [ -n "$found" ] || break
    i=$((i+1))
  done
fi
if [ -n "$log" ] && [ -n "$runs" ]; then
  at=$(date +%s%3N 2>/dev/null)
  case $at in ''|*[!0-9]*) at=$(( $(date +%s) * 1000 )) ;; esac
  for r in $runs; do
    printf '{"at":%s,"unit":"%s","event":"stopped","detail":"host-died","invocation":"%s"}\n' "$at" "\${r#*:}" "\${r%%:*}" >> "$log"
  done
fi
`.replace(/\\\$/g, "$");

export interface HostGuard {
  /** A run of `unit` is about to spawn its first process. */
  beginRun(invocation: string, unit: string): void;
  /** The run ended and its end is recorded. */
  endRun(invocation: string): void;
  /** A new process group exists. */
  trackGroup(pgid: number): void;
  /** The group has no live process left. */
  untrackGroup(pgid: number): void;
  /** Ends the guard (it kills what is still listed — nothing, after a clean close). */
  close(): Promise<void>;
}

export const NO_GUARD: HostGuard = {
  beginRun: () => undefined,
  endRun: () => undefined,
  trackGroup: () => undefined,
  untrackGroup: () => undefined,
  close: async () => undefined,
};

export class ShellGuard implements HostGuard {
  private child: ChildProcess | undefined;
  private readonly runs = new Map<string, string>();
  private readonly groups = new Set<number>();

  constructor(private readonly opts: { readonly executorId: string; readonly eventLog?: string }) {}

  /** The guard's pid, for tests. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  beginRun(invocation: string, unit: string): void {
    this.runs.set(invocation, unit);
    this.send(`run ${invocation} ${unit}`);
  }

  endRun(invocation: string): void {
    if (this.runs.delete(invocation)) this.send(`end ${invocation}`);
  }

  trackGroup(pgid: number): void {
    this.groups.add(pgid);
    this.send(`pg ${pgid}`);
  }

  untrackGroup(pgid: number): void {
    if (this.groups.delete(pgid)) this.send(`gone ${pgid}`);
  }

  async close(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.stdin?.end();
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }

  /** Writes a change; a (re)started guard learns it from the replay instead. */
  private send(line: string): void {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) child.stdin?.write(`${line}\n`);
    else this.start();
  }

  /** Starts (or restarts, if someone killed it) the guard and replays what it must know. */
  private start(): void {
    const child = spawn("/bin/sh", ["-c", SCRIPT, "hafen-guard", this.opts.eventLog ?? "", this.opts.executorId], {
      detached: true,
      stdio: ["pipe", "ignore", "ignore"],
      env: { PATH: "/usr/bin:/bin" },
    });
    child.on("error", () => undefined);
    child.stdin?.on("error", () => undefined); // EPIPE if it died; the next send restarts it
    // The guard must never keep the host alive: it exists for when the host is gone.
    child.unref();
    (child.stdin as Socket | null)?.unref();
    this.child = child;
    const replay = [...[...this.runs].map(([inv, unit]) => `run ${inv} ${unit}`), ...[...this.groups].map((g) => `pg ${g}`)];
    if (replay.length > 0) child.stdin?.write(`${replay.join("\n")}\n`);
  }
}
