// Real local clusters for end-to-end tests: `hafen local up` through the built binary,
// an API client on its client.json, and the executors' own start/stop records read
// back from every machine's event log (the evidence for "at most one copy").
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runBin } from "./cli";
import { tempDir } from "./tmp";
import { ApiClient } from "../../runtime/client/api";
import { readState, type LocalClusterState } from "../../runtime/local/state";
import { processTree } from "../../runtime/local/processes";

export interface LocalTestCluster {
  readonly dir: string;
  readonly api: ApiClient;
  state(): LocalClusterState;
  machineIdOf(name: string): string;
  nameOf(id: string): string;
  /** Every executor record of every machine's agent, oldest first per machine. */
  events(): ExecutorRecord[];
  down(): void;
}

export interface ExecutorRecord {
  readonly machine: string;
  readonly at: number;
  readonly unit: string;
  readonly event: "started" | "stopped" | "exited" | "restarting";
  readonly detail?: string;
}

const clusters: LocalTestCluster[] = [];

export function startLocalCluster(args: string[]): LocalTestCluster {
  const dir = tempDir("hafen-e2e-");
  const r = runBin(["local", "up", "--dir", dir, ...args], { timeoutMs: 90_000 });
  if (r.code !== 0) throw new Error(`local up failed (${r.code}):\n${r.stderr}`);
  const cfg = JSON.parse(readFileSync(join(dir, "client.json"), "utf8")) as { endpoint: string; token: string };
  const state = () => readState(join(dir, "cluster.json"))!;
  const c: LocalTestCluster = {
    dir,
    api: new ApiClient(cfg),
    state,
    machineIdOf: (name) => state().machines.find((m) => m.name === name)!.id,
    nameOf: (id) => state().machines.find((m) => m.id === id)?.name ?? id,
    events() {
      const out: ExecutorRecord[] = [];
      for (const m of state().machines) {
        const file = join(m.root, "var", "lib", "hafen", "executor-events.jsonl");
        if (!existsSync(file)) continue;
        for (const line of readFileSync(file, "utf8").split("\n")) {
          if (!line.trim()) continue;
          const e = JSON.parse(line) as Omit<ExecutorRecord, "machine">;
          out.push({ machine: m.name, at: e.at, unit: e.unit, event: e.event, ...(e.detail ? { detail: e.detail } : {}) });
        }
      }
      return out;
    },
    down() {
      runBin(["local", "down", "--dir", dir], { timeoutMs: 60_000 });
    },
  };
  clusters.push(c);
  return c;
}

if (typeof afterAll === "function") {
  afterAll(() => {
    for (const c of clusters.splice(0)) c.down();
  });
}

/**
 * Intervals during which each unit ran on each machine, from started to its end record.
 * A machine killed with `local kill` leaves no end records (its executor died with it):
 * its open runs end when the kill completed (`killedAt`: every process of its tree gone).
 */
export function runIntervals(
  records: readonly ExecutorRecord[],
  killedAt: ReadonlyMap<string, number> = new Map(),
  now = Date.now(),
): Map<string, { machine: string; from: number; to: number }[]> {
  const out = new Map<string, { machine: string; from: number; to: number }[]>();
  const open = new Map<string, number>();
  for (const r of [...records].sort((a, b) => a.at - b.at)) {
    const k = `${r.machine}\u0000${r.unit}`;
    if (r.event === "started") open.set(k, r.at);
    else if ((r.event === "stopped" || r.event === "exited") && open.has(k)) {
      out.set(r.unit, [...(out.get(r.unit) ?? []), { machine: r.machine, from: open.get(k)!, to: r.at }]);
      open.delete(k);
    }
  }
  for (const [k, from] of open) {
    const [machine, unit] = k.split("\u0000") as [string, string];
    const killed = killedAt.get(machine);
    out.set(unit, [...(out.get(unit) ?? []), { machine, from, to: killed !== undefined && killed >= from ? killed : now }]);
  }
  return out;
}

/** Pairs of runs of one unit on two different machines that overlap in time. */
export function overlaps(intervals: Map<string, { machine: string; from: number; to: number }[]>): string[] {
  const bad: string[] = [];
  for (const [unit, runs] of intervals) {
    for (let i = 0; i < runs.length; i++) {
      for (let j = i + 1; j < runs.length; j++) {
        const a = runs[i]!;
        const b = runs[j]!;
        if (a.machine !== b.machine && a.from < b.to && b.from < a.to) {
          bad.push(`${unit}: ${a.machine} [${a.from}, ${a.to}] overlaps ${b.machine} [${b.from}, ${b.to}]`);
        }
      }
    }
  }
  return bad;
}

/** The pid of a machine's `hafen server` process (its engine). */
export function serverPid(c: LocalTestCluster, name: string): number | undefined {
  const m = c.state().machines.find((x) => x.name === name)!;
  for (const p of processTree(m.process!.pid)) {
    try {
      const cmd = readFileSync(`/proc/${p.pid}/cmdline`, "utf8").split("\0");
      if (cmd.includes("server") && cmd.includes("--settings")) return p.pid;
    } catch {
      // exited
    }
  }
  return undefined;
}
