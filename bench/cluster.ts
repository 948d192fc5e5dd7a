// Whole-cluster figures on local clusters (issues 3 and 4), each against its target and
// against a baseline measured in the same run (the raw write rate of the store beneath).
// Control-plane figures use agents with the recording executor (starts recorded, nothing
// spawned — how fleet's figures were taken, with its in-memory unit manager); launch
// figures are repeated with real processes. The 2,000-unit target is the first deployment
// on a new cluster, median of three new clusters; a second deployment on a running
// cluster is printed beside it. Sections can be picked with BENCH_SECTIONS=
// formation,launch,launch-fleet,launch-process,latency,idle,failover,memory (default: all).
//
// fleet on this kind of machine (10 machines, etcd), for scale: 13 s for 2,000 units,
// ~3 s for any single unit, engine leader idle at 60 % CPU with 2,000 units, 14 s to fail
// over when the engine leader dies at TTL 5 s.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../runtime/store";
import { measurePutRate } from "./store-rate";
import { startEtcd, waitHealthy } from "../test/support/etcd";
import {
  benchCluster,
  withCluster,
  cpuTicks,
  launchedCount,
  leaderOf,
  runningCount,
  median,
  percentile,
  pool,
  row,
  rssMb,
  runtimePids,
  sleep,
  sleeperUnit,
  waitFor,
  type BenchCluster,
} from "./cluster-support";
import { localKill } from "../runtime/local";
import { hashOptions } from "../units";

const sections = new Set((process.env.BENCH_SECTIONS ?? "formation,launch,launch-fleet,launch-process,latency,idle,failover,memory").split(","));

async function baselines(): Promise<{ embedded: number; etcd: number }> {
  const dir = mkdtempSync(join(tmpdir(), "hafen-bench-store-"));
  const store = await openStore({ backend: "embedded", dir });
  const e = await measurePutRate(store, 4000, 64);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const etcdDir = mkdtempSync(join(tmpdir(), "hafen-bench-etcd-"));
  const member = await startEtcd({ dataDir: join(etcdDir, "data") });
  await waitHealthy(member);
  const etcdStore = await openStore({ backend: "etcd", endpoints: [member.clientUrl] });
  const x = await measurePutRate(etcdStore, 2000, 64);
  await etcdStore.close();
  await member.stop();
  rmSync(etcdDir, { recursive: true, force: true });
  console.log(`baseline: raw store puts (64 concurrent): embedded ${e.perSecond.toFixed(0)}/s, etcd ${x.perSecond.toFixed(0)}/s`);
  return { embedded: e.perSecond, etcd: x.perSecond };
}

async function formation(): Promise<void> {
  console.log("\n-- formation: `local up` to every machine registered (median of 3)");
  for (const [control, label, target] of [
    [1, "3 machines, 1 control (embedded store)", "-"],
    [3, "3 machines, 3 control (3 etcd members)", "≤ 3 s"],
  ] as const) {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await benchCluster({ machines: 3, control });
      times.push(c.upMs);
      await c.down();
    }
    row(label, `${(median(times) / 1000).toFixed(2)} s`, target, `runs ${times.map((t) => (t / 1000).toFixed(2)).join(", ")}`);
  }
}

/**
 * How the 2,000 units reach the cluster: `batch` is what `hafen start` sends (POST
 * /hafen/v1/units, 1,000 units a request); `fleet-put` is one fleet v1 PUT per unit, as
 * fleetctl and other fleet clients do, 64 in flight, spread over the three servers.
 */
type Submit = "batch" | "fleet-put";

/** Launches `n` units on a fresh 10-machine cluster, prints the time, then runs `then` on it; the cluster is always taken down. */
async function launch(base: { etcd: number }, executor: "recording" | "process", n: number, submit: Submit, then: (c: BenchCluster) => Promise<void> = async () => undefined): Promise<void> {
  await withCluster({ machines: 10, control: 3, executor }, async (c) => {
    const d = await deploy(c, n, submit, "load");
    row(launchLabel(n, executor, submit), `${(d.totalMs / 1000).toFixed(2)} s`, "-", launchNote(base, n, [d]));
    await then(c);
  });
}

/**
 * The target figure: the first deployment on a new cluster, on three new clusters (a
 * single cold run swings by a few hundred ms on 2 cores), median printed with every run.
 * On the last cluster `then` runs, and then a second deployment: the first one stopped,
 * 2,000 new units started on the now warmed-up cluster.
 */
async function launchTarget(base: { etcd: number }, n: number, then: (c: BenchCluster) => Promise<void>): Promise<void> {
  const runs: Deployment[] = [];
  for (let i = 0; i < 3; i++) {
    await withCluster({ machines: 10, control: 3, executor: "recording" }, async (c) => {
      runs.push(await deploy(c, n, "batch", "load"));
      if (i < 2) return;
      const mid = median(runs.map((r) => r.totalMs));
      row(launchLabel(n, "recording", "batch"), `${(mid / 1000).toFixed(2)} s`, "≤ 1.3 s", `median of 3 new clusters, runs ${runs.map((r) => (r.totalMs / 1000).toFixed(2)).join(", ")}; ${launchNote(base, n, runs)}`);
      await then(c);
      await c.api.writeUnits(Array.from({ length: n }, (_, j) => ({ name: `load${j}.service`, desiredState: "inactive" as const })));
      await waitFor("the first deployment stopped", 60_000, async () => (await runningCount(c.api, "load", hashOptions(sleeperUnit))) === 0, 100);
      const warm = await deploy(c, n, "batch", "again");
      row(`${n} units, a second deployment on that running cluster`, `${(warm.totalMs / 1000).toFixed(2)} s`, "-", launchNote(base, n, [warm]));
    });
  }
}

interface Deployment {
  readonly totalMs: number;
  readonly submitMs: number;
}

const launchLabel = (n: number, executor: string, submit: Submit) => `${n} units launched, 10 machines, 3-control etcd (${executor}, ${submit})`;

function launchNote(base: { etcd: number }, n: number, runs: readonly Deployment[]): string {
  const total = median(runs.map((r) => r.totalMs)) / 1000;
  const submit = median(runs.map((r) => r.submitMs)) / 1000;
  return `submit ${submit.toFixed(2)} s; ${(total / (n / base.etcd)).toFixed(2)}x the time of ${n} raw etcd puts; fleet 13 s`;
}

/** Submits `n` units named `<prefix><i>.service` and waits until every one runs. */
async function deploy(c: BenchCluster, n: number, submit: Submit, prefix: string): Promise<Deployment> {
  const { ApiClient } = await import("../runtime/client/api");
  const apis = c.info.endpoints.map((endpoint) => new ApiClient({ endpoint, token: c.info.adminToken, timeoutMs: 30_000 }));
  const names = Array.from({ length: n }, (_, i) => `${prefix}${i}.service`);
  const t0 = performance.now();
  if (submit === "batch") {
    const results = await apis[0]!.writeUnits(names.map((name) => ({ name, options: sleeperUnit, desiredState: "launched" as const })));
    const refused = results.filter((r) => r.status >= 400);
    if (refused.length > 0) throw new Error(`bench: ${refused.length} units refused, e.g. ${JSON.stringify(refused[0])}`);
  } else {
    await pool(n, 64, (i) => apis[i % apis.length]!.createUnit(names[i]!, sleeperUnit, "launched"));
  }
  const submitMs = performance.now() - t0;
  const hash = hashOptions(sleeperUnit);
  await waitFor(`${n} units running`, 180_000, async () => (await runningCount(c.api, prefix, hash)) >= n, 25);
  const totalMs = performance.now() - t0;
  const launched = await launchedCount(c.api, prefix);
  if (launched < n) throw new Error(`bench: every unit reported running, yet the API shows ${launched} of ${n} launched`);
  return { totalMs, submitMs };
}

async function latency(c: BenchCluster, label: string): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i < 60; i++) {
    const name = `lat${i}.service`;
    const t0 = performance.now();
    await c.api.createUnit(name, sleeperUnit, "launched");
    await waitFor(`${name} launched`, 10_000, async () => (await c.api.getUnit(name))?.currentState === "launched", 2);
    samples.push(performance.now() - t0);
    await c.api.destroyUnit(name);
  }
  samples.sort((a, b) => a - b);
  row(`one unit start → launched, p50 (${label})`, `${percentile(samples, 50).toFixed(0)} ms`, "≤ 100 ms", "fleet ~3 s");
  row(`one unit start → launched, p99 (${label})`, `${percentile(samples, 99).toFixed(0)} ms`, "≤ 500 ms");
}

async function idleCpu(c: BenchCluster): Promise<void> {
  const leader = await leaderOf(c);
  if (!leader) throw new Error("no engine leader");
  const pid = runtimePids(c, "server", [leader.name])[0]!;
  await sleep(2000);
  const t0 = performance.now();
  const a = cpuTicks(pid);
  await sleep(10_000);
  const b = cpuTicks(pid);
  const pct = ((b - a) / 100 / ((performance.now() - t0) / 1000)) * 100;
  row("engine leader CPU, idle with 2,000 units running", `${pct.toFixed(2)} %`, "≤ 2 %", "of one core, over 10 s; fleet 60 %");
}

async function memory(c: BenchCluster): Promise<void> {
  const rss = runtimePids(c, "agent").map(rssMb);
  row("agent resident memory (max over 10 agents, 2,000 units)", `${Math.max(...rss).toFixed(1)} MB`, "≤ 60 MB", `median ${median(rss).toFixed(1)} MB`);
}

async function failover(): Promise<void> {
  const c = await benchCluster({ machines: 5, control: 3, leaseTtlSeconds: 5, executor: "recording" });
  try {
    await pool(50, 16, (i) => c.api.createUnit(`fo${i}.service`, sleeperUnit, "launched"));
    await waitFor("50 units launched", 60_000, async () => (await launchedCount(c.api, "fo")) >= 50);
    const units = await c.api.listUnits();
    const worker = c.state().machines.find((m) => m.name === "m5")!;
    const moved = units.filter((u) => u.machineID === worker.id).map((u) => u.name);
    const t0 = performance.now();
    await localKill(c.dir, "m5");
    await waitFor("units to move", 60_000, async () => {
      const now = await c.api.listUnits();
      return moved.every((n) => now.some((u) => u.name === n && u.currentState === "launched" && u.machineID !== worker.id));
    });
    row(`failover, machine dies (TTL 5 s, ${moved.length} units moved)`, `${((performance.now() - t0) / 1000).toFixed(2)} s`, "≤ 6 s");

    const leader = await leaderOf(c);
    const pid = runtimePids(c, "server", [leader!.name])[0]!;
    const t1 = performance.now();
    process.kill(pid, "SIGKILL");
    // A unit submitted to a surviving server right after the kill is placed only once a
    // new engine leads: the time to launch it is the engine failover time.
    const survivor = c.state().machines.find((m) => m.role === "both" && m.name !== leader!.name)!;
    const { ApiClient } = await import("../runtime/client/api");
    const api2 = new ApiClient({ endpoint: `http://127.0.0.1:${survivor.ports.api}`, token: c.info.adminToken });
    await api2.createUnit("after-failover.service", sleeperUnit, "launched");
    await waitFor("new leader to place a unit", 60_000, async () => (await api2.getUnit("after-failover.service"))?.currentState === "launched");
    row("failover, engine leader dies (TTL 5 s)", `${((performance.now() - t1) / 1000).toFixed(2)} s`, "≤ 6 s", "fleet 14 s");
  } finally {
    await c.down();
  }
}

export async function main(): Promise<void> {
  console.log(`cluster benchmarks on ${require("node:os").cpus().length} cores, node ${process.version}`);
  const base = await baselines();
  if (sections.has("formation")) await formation();
  if (["launch", "launch-fleet", "launch-process"].some((s) => sections.has(s)) || sections.has("latency") || sections.has("idle") || sections.has("memory")) {
    console.log("\n-- control plane (recording executor)");
    await launchTarget(base, 2000, async (c) => {
      if (sections.has("idle")) await idleCpu(c);
      if (sections.has("memory")) await memory(c);
      if (sections.has("latency")) await latency(c, "3-control etcd");
    });
    if (sections.has("launch-fleet")) {
      console.log("\n-- the same submitted as one fleet v1 PUT per unit");
      await launch(base, "recording", 2000, "fleet-put");
    }
    if (sections.has("launch-process")) {
      console.log("\n-- the same with real processes");
      await launch(base, "process", 2000, "batch", async (p) => {
        if (sections.has("memory")) await memory(p);
      });
    }
    if (sections.has("latency")) await withCluster({ machines: 3, control: 1, executor: "recording" }, (e) => latency(e, "embedded store"));
  }
  if (sections.has("failover")) {
    console.log("\n-- failover");
    await failover();
  }
}
