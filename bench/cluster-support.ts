// Helpers for the cluster benchmarks: local clusters started through the runtime's
// launcher, timing, percentiles, /proc readings (CPU ticks, resident memory).
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { localUp, localDown, type LocalUpOptions, type LocalClusterInfo } from "../runtime/local";
import { readState, type LocalClusterState } from "../runtime/local/state";
import { processTree } from "../runtime/local/processes";
import { ApiClient } from "../runtime/client/api";
import type { UnitOption } from "../runtime/executor/types";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function median(xs: readonly number[]): number {
  return percentile([...xs].sort((a, b) => a - b), 50);
}

export interface BenchCluster {
  readonly dir: string;
  readonly info: LocalClusterInfo;
  readonly api: ApiClient;
  state(): LocalClusterState;
  down(): Promise<void>;
}

/** Clusters up right now: an interrupted benchmark (Ctrl-C, SIGTERM) takes them down first. */
const live = new Set<string>();
let interruptHandled = false;

function downOnInterrupt(): void {
  if (interruptHandled) return;
  interruptHandled = true;
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      console.error(`\nbench: ${sig}: taking down ${live.size} local cluster(s)`);
      void Promise.allSettled([...live].map((dir) => takeDown(dir))).finally(() => process.exit(130));
    });
  }
}

/**
 * Stops the cluster in `dir` and removes the directory. When stopping fails the directory
 * is kept (its cluster.json is how `hafen local down` finds what still runs) and the
 * error is raised: a benchmark must never leave unit processes behind unnoticed.
 */
async function takeDown(dir: string): Promise<void> {
  try {
    await localDown(dir);
  } catch (err) {
    throw new Error(`bench: could not stop the cluster in ${dir} (kept; run \`hafen local down --dir ${dir}\`): ${(err as Error).message}`);
  }
  live.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}

export async function benchCluster(opts: Omit<LocalUpOptions, "dir">): Promise<BenchCluster & { upMs: number }> {
  downOnInterrupt();
  const dir = mkdtempSync(join(tmpdir(), "hafen-bench-"));
  live.add(dir);
  const t0 = performance.now();
  let info: LocalClusterInfo;
  try {
    info = await localUp({ ...opts, dir });
  } catch (err) {
    await takeDown(dir).catch((e: Error) => console.error(e.message));
    throw err;
  }
  const upMs = performance.now() - t0;
  return {
    dir,
    info,
    upMs,
    api: new ApiClient({ endpoint: info.endpoint, token: info.adminToken, timeoutMs: 30_000 }),
    state: () => readState(join(dir, "cluster.json"))!,
    down: () => takeDown(dir),
  };
}

/** Runs `fn` on a fresh cluster and always takes the cluster down after it. */
export async function withCluster<T>(opts: Omit<LocalUpOptions, "dir">, fn: (c: BenchCluster & { upMs: number }) => Promise<T>): Promise<T> {
  const c = await benchCluster(opts);
  try {
    return await fn(c);
  } finally {
    await c.down();
  }
}

export const sleeperUnit: UnitOption[] = [{ section: "Service", name: "ExecStart", value: "/bin/sh -c 'exec sleep 3600'" }];

/** Runs `fn(i)` for i < n with `concurrency` in flight. */
export async function pool(n: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      for (let i = next++; i < n; i = next++) await fn(i);
    }),
  );
}

/** Counts units whose currentState is launched, in one request. */
export async function launchedCount(api: ApiClient, prefix: string): Promise<number> {
  return (await api.hafenUnits()).filter((u) => u.name.startsWith(prefix) && u.currentState === "launched").length;
}

/**
 * Units under `prefix` some machine reports running with contents `hash`, from the
 * states alone (one small range, where the unit list reads four). It equals the
 * launched count when, as in a fresh deployment, every unit has one machine and no
 * stale state: callers confirm the end with launchedCount().
 */
export async function runningCount(api: ApiClient, prefix: string, hash: string): Promise<number> {
  const names = new Set<string>();
  for (const s of await api.hafenStates()) {
    if (s.name.startsWith(prefix) && s.hash === hash && s.systemdActiveState === "active") names.add(s.name);
  }
  return names.size;
}

/** Pids of the processes whose command line holds `word` (e.g. "server", "agent") in a machine's tree. */
export function runtimePids(c: BenchCluster, word: "server" | "agent", machines?: readonly string[]): number[] {
  const out: number[] = [];
  for (const m of c.state().machines) {
    if (machines && !machines.includes(m.name)) continue;
    if (!m.process) continue;
    for (const p of processTree(m.process.pid)) {
      try {
        const cmd = readFileSync(`/proc/${p.pid}/cmdline`, "utf8").split("\0");
        if (cmd.includes(word) && cmd.includes("--settings")) out.push(p.pid);
      } catch {
        // exited
      }
    }
  }
  return out;
}

/** utime + stime of a process, in clock ticks (100 per second on Linux). */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(rest[11]) + Number(rest[12]);
}

export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** The API endpoint of the control machine whose engine leads. */
export async function leaderOf(c: BenchCluster): Promise<{ name: string; endpoint: string } | undefined> {
  for (const m of c.state().machines.filter((x) => x.role === "both")) {
    const endpoint = `http://127.0.0.1:${m.ports.api}`;
    const h = await new ApiClient({ endpoint, token: "", timeoutMs: 1000 }).health().catch(() => undefined);
    if (h?.isLeader) return { name: m.name, endpoint };
  }
  return undefined;
}

export async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined | false>, pollMs = 20): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v) return v;
    if (performance.now() > deadline) throw new Error(`bench: timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(pollMs);
  }
}

export function row(label: string, value: string, target: string, extra = ""): void {
  console.log(`${label.padEnd(58)} ${value.padStart(14)}   target ${target.padEnd(10)} ${extra}`);
}
