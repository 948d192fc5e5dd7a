// /proc helpers for tests that check which processes exist. A zombie counts as gone: it
// runs nothing, and in containers whose PID 1 never reaps, orphans stay zombies forever.
import { readdirSync, readFileSync } from "node:fs";

interface ProcInfo {
  readonly pid: number;
  readonly state: string;
  readonly ppid: number;
  readonly pgid: number;
}

function info(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { pid, state: f[0]!, ppid: Number(f[1]), pgid: Number(f[2]) };
  } catch {
    return undefined;
  }
}

function all(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const e of readdirSync("/proc")) if (/^\d+$/.test(e)) {
    const i = info(Number(e));
    if (i) out.push(i);
  }
  return out;
}

export function alive(pid: number): boolean {
  const i = info(pid);
  return i !== undefined && i.state !== "Z" && i.state !== "X";
}

/** Live processes of a process group. */
export function groupMembers(pgid: number): number[] {
  return all().filter((p) => p.pgid === pgid && p.state !== "Z").map((p) => p.pid);
}

/** Live processes whose environment has NAME=value. */
export function withEnv(name: string, value: string): number[] {
  const needle = `${name}=${value}`;
  return all()
    .filter((p) => p.state !== "Z")
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p.pid}/environ`, "latin1").split("\0").includes(needle);
      } catch {
        return false;
      }
    })
    .map((p) => p.pid);
}

/** Polls `cond` every 10 ms until it holds or `ms` pass; returns whether it held. */
export async function waitFor(cond: () => boolean | Promise<boolean>, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await cond()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
}
