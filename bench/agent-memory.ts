// Agent resident memory with real processes (issue 4, acceptance 5: ≤ 60 MB). Local
// clusters with the process executor; every agent gets BENCH_PER_AGENT (default 200)
// units that really run. Figures per agent, from /proc: VmRSS now, VmHWM (the peak since
// the agent started), CPU seconds spent from the first submit to the reading.
// Baseline, measured in the same run on the same agents: the idle agent (registered, no
// units) — the floor every figure is a ratio to.
// Sleeper sections then stop and start every unit once (what a fenced agent goes through)
// and read again. Sections (BENCH_SECTIONS, default all):
//   small   2 machines, 1 control (embedded store), sleepers (`/bin/sh -c 'exec sleep 3600'`)
//   chatty  the same with units that print 10 lines/s each: the agent's memory and CPU
//           must not grow with what units print (their output goes straight to files)
//   large   10 machines, 3 control (etcd), 2,000 sleepers — bench/cluster.ts's setting
//   npm run bench -- agent-memory
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { UnitOption } from "../runtime/executor/types";
import { benchCluster, cpuTicks, launchedCount, median, pool, row, rssMb, runtimePids, sleep, sleeperUnit, waitFor, type BenchCluster } from "./cluster-support";

const PER_AGENT = Number(process.env.BENCH_PER_AGENT ?? 200);
const TARGET_MB = 60;
const sections = new Set((process.env.BENCH_SECTIONS ?? "small,chatty,large").split(","));

const chattyUnit = (i: number): UnitOption[] => [
  { section: "Service", name: "ExecStart", value: `/bin/sh -c 'while :; do for k in 0 1 2 3 4 5 6 7 8 9; do echo unit ${i} says $$k; done; sleep 1; done'` },
];

interface AgentReading {
  readonly machine: string;
  readonly units: number;
  readonly rss: number;
  readonly peak: number;
  readonly cpuSeconds: number;
}

function peakMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Each machine's agent pid; throws unless every machine has exactly one. */
function agentPids(c: BenchCluster): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of c.state().machines) {
    const pids = runtimePids(c, "agent", [m.name]);
    if (pids.length !== 1) throw new Error(`bench: machine ${m.name} has ${pids.length} agent processes`);
    out.set(m.name, pids[0]!);
  }
  return out;
}

async function unitsPerMachine(c: BenchCluster, prefix: string): Promise<Map<string, number>> {
  const names = new Map(c.state().machines.map((m) => [m.id, m.name]));
  const out = new Map<string, number>();
  for (const u of await c.api.listUnits()) {
    if (!u.name.startsWith(prefix) || !u.machineID) continue;
    const name = names.get(u.machineID) ?? u.machineID;
    out.set(name, (out.get(name) ?? 0) + 1);
  }
  return out;
}

function summary(label: string, readings: readonly AgentReading[], idle: readonly number[]): void {
  const rss = readings.map((r) => r.rss);
  const peak = readings.map((r) => r.peak);
  const base = median(idle);
  const units = readings.map((r) => r.units);
  row(`${label}: agent RSS, max over ${readings.length} agents`, `${Math.max(...rss).toFixed(1)} MB`, `≤ ${TARGET_MB} MB`, `median ${median(rss).toFixed(1)} MB; ${(Math.max(...rss) / base).toFixed(2)}x idle`);
  row(`${label}: agent peak RSS (VmHWM), max`, `${Math.max(...peak).toFixed(1)} MB`, `≤ ${TARGET_MB} MB`, `median ${median(peak).toFixed(1)} MB`);
  row(`${label}: agent CPU from submit to reading, median`, `${median(readings.map((r) => r.cpuSeconds)).toFixed(2)} s`, "-", `units per agent ${Math.min(...units)}..${Math.max(...units)}`);
}

function read(pids: ReadonlyMap<string, number>, ticks: ReadonlyMap<string, number>, per: ReadonlyMap<string, number>): AgentReading[] {
  return [...pids].map(([machine, pid]) => ({ machine, units: per.get(machine) ?? 0, rss: rssMb(pid), peak: peakMb(pid), cpuSeconds: (cpuTicks(pid) - ticks.get(machine)!) / 100 }));
}

/** Agents that fenced (stopped their units for want of a confirmed lease renewal), from their logs. */
function fencedAgents(c: BenchCluster): string[] {
  const out: string[] = [];
  for (const m of c.state().machines) {
    const log = findFile(join(c.dir, "machines", m.name), "hafen-agent.service.log", 6);
    if (log && readFileSync(log, "utf8").includes("fencing:")) out.push(m.name);
  }
  return out;
}

function findFile(dir: string, name: string, depth: number): string | undefined {
  if (depth < 0) return undefined;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isFile() && e.name === name) return join(dir, e.name);
    if (e.isDirectory()) {
      const f = findFile(join(dir, e.name), name, depth - 1);
      if (f) return f;
    }
  }
  return undefined;
}

async function setAll(c: BenchCluster, n: number, state: "loaded" | "launched"): Promise<void> {
  const results = await c.api.writeUnits(Array.from({ length: n }, (_, i) => ({ name: `mem${i}.service`, desiredState: state })));
  const bad = results.filter((r) => r.status >= 400);
  if (bad.length > 0) throw new Error(`bench: ${bad.length} writes refused, e.g. ${JSON.stringify(bad[0])}`);
}

async function scenario(label: string, opts: { machines: number; control: number }, unit: (i: number) => UnitOption[], cycle: boolean): Promise<void> {
  const c = await benchCluster({ ...opts, executor: "process" });
  try {
    const pids = agentPids(c);
    await sleep(1000); // let start-up garbage settle before the baseline reading
    const idle = [...pids.values()].map(rssMb);
    row(`baseline: idle agent RSS (registered, 0 units), median`, `${median(idle).toFixed(1)} MB`, "-", `max ${Math.max(...idle).toFixed(1)} MB over ${idle.length} agents`);
    const ticks = new Map([...pids].map(([m, p]) => [m, cpuTicks(p)]));
    const n = PER_AGENT * opts.machines;
    const t0 = performance.now();
    await pool(n, 64, (i) => c.api.createUnit(`mem${i}.service`, unit(i), "launched"));
    await waitFor(`${n} units launched`, 300_000, async () => (await launchedCount(c.api, "mem")) >= n, 50);
    const launchedS = (performance.now() - t0) / 1000;
    await sleep(5000); // running, not just started: periodic reconciles and reports included
    const per = await unitsPerMachine(c, "mem");
    console.log(`  ${n} units launched in ${launchedS.toFixed(1)} s; readings 5 s later`);
    summary(label, read(pids, ticks, per), idle);
    if (cycle) {
      // What an agent goes through when it fences and recovers: every unit stopped, then
      // started again (before the process-group fix, stops scanned all of /proc).
      const t1 = performance.now();
      await setAll(c, n, "loaded");
      await waitFor("every unit stopped", 300_000, async () => (await launchedCount(c.api, "mem")) === 0, 50);
      await setAll(c, n, "launched");
      await waitFor(`${n} units launched again`, 300_000, async () => (await launchedCount(c.api, "mem")) >= n, 50);
      console.log(`  every unit stopped and started again in ${((performance.now() - t1) / 1000).toFixed(1)} s; readings 3 s later`);
      await sleep(3000);
      summary(`${label}, after a stop/start cycle`, read(pids, ticks, per), idle);
    }
    const fenced = fencedAgents(c);
    if (fenced.length > 0) console.log(`  note: agents that fenced during the run (stopped and restarted all their units): ${fenced.join(", ")}`);
  } finally {
    await c.down();
  }
}

export async function main(): Promise<void> {
  console.log(`agent memory with real processes, ${PER_AGENT} units per agent; node ${process.version}, ${require("node:os").cpus().length} cores`);
  if (sections.has("small")) {
    console.log("\n-- 2 machines, 1 control, sleepers");
    await scenario("sleepers, 2 machines", { machines: 2, control: 1 }, () => sleeperUnit, true);
  }
  if (sections.has("chatty")) {
    console.log("\n-- 2 machines, 1 control, every unit prints 10 lines/s");
    await scenario("chatty units, 2 machines", { machines: 2, control: 1 }, chattyUnit, false);
  }
  if (sections.has("large")) {
    console.log("\n-- 10 machines, 3 control (etcd), sleepers");
    await scenario("sleepers, 10 machines", { machines: 10, control: 3 }, () => sleeperUnit, true);
  }
}
