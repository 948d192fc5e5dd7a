// Executor benchmark. Prints figures and ratios against baselines measured in the same run:
//  1. recording executor: load+start+stop of BENCH_UNITS units (default 10,000) per second,
//     against a bare Map doing the same number of writes (the floor for "O(1) per call");
//  2. process executor: BENCH_PROCS (default 50) real units (`/bin/sleep 1000`), start
//     latency p50/p99 one at a time, then all started and stopped concurrently, against
//     raw detached child_process.spawn + kill of the same program (the OS/Node floor),
//     output to a file in both;
//  3. stops one at a time while BENCH_BUSY (default 2,000) other processes run on the
//     computer (as with 10 local machines of 200 units): a stop must not cost
//     O(processes on the computer); against raw SIGTERM + exit of the same processes.
//   npx esbuild bench/executor.ts --bundle --platform=node --packages=external --outfile=/tmp/b.js && node /tmp/b.js
import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { ProcessExecutor } from "../runtime/executor/process/executor";
import { RecordingExecutor } from "../runtime/executor/recording";
import type { UnitSpec } from "../runtime/executor/types";

const UNITS = Number(process.env.BENCH_UNITS ?? 10_000);
const PROCS = Number(process.env.BENCH_PROCS ?? 50);
const BUSY = Number(process.env.BENCH_BUSY ?? 2000);

const unit = (i: number): UnitSpec => ({
  name: `bench${i}.service`,
  hash: `h${i}`,
  options: [
    { section: "Unit", name: "Description", value: `bench ${i}` },
    { section: "Service", name: "ExecStart", value: "/bin/sleep 1000" },
    { section: "X-Fleet", name: "MachineMetadata", value: "role=web" },
  ],
});

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function recording(): Promise<void> {
  const specs = Array.from({ length: UNITS }, (_, i) => unit(i));
  const base = new Map<string, { hash: string; state: string }>();
  let t = performance.now();
  for (const s of specs) base.set(s.name, { hash: s.hash, state: "loaded" });
  for (const s of specs) base.set(s.name, { hash: s.hash, state: "active" });
  for (const s of specs) base.set(s.name, { hash: s.hash, state: "inactive" });
  const baseMs = performance.now() - t;
  const ex = new RecordingExecutor();
  t = performance.now();
  for (const s of specs) await ex.load(s);
  for (const s of specs) await ex.start(s.name);
  for (const s of specs) await ex.stop(s.name);
  const ms = performance.now() - t;
  await ex.close();
  const ops = (3 * UNITS) / (ms / 1000);
  const baseOps = (3 * UNITS) / (baseMs / 1000);
  console.log(`recording executor: ${UNITS} units load+start+stop in ${ms.toFixed(1)} ms = ${Math.round(ops)} calls/s`);
  console.log(`  baseline (bare Map writes): ${Math.round(baseOps)} writes/s; ratio executor/baseline = ${(ops / baseOps).toFixed(3)}`);
}

/** Detached sleepers whose output goes to `file`, as the executor's units' does. */
function rawSpawn(n: number, file: string) {
  const fd = openSync(file, "a");
  try {
    return Array.from({ length: n }, () => spawn("/bin/sleep", ["1000"], { detached: true, stdio: ["ignore", fd, fd] }));
  } finally {
    closeSync(fd);
  }
}

function rawSpawnKill(n: number, file: string): Promise<{ startMs: number; stopMs: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const children = rawSpawn(n, file);
    let spawned = 0;
    let exited = 0;
    let t1 = 0;
    for (const c of children) {
      c.once("spawn", () => {
        if (++spawned < n) return;
        t1 = performance.now();
        for (const k of children) process.kill(-k.pid!, "SIGTERM");
      });
      c.once("exit", () => {
        if (++exited === n) resolve({ startMs: t1 - t0, stopMs: performance.now() - t1 });
      });
    }
  });
}

async function processes(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "hafen-bench-exec-"));
  const ex = new ProcessExecutor({ journalDir: join(dir, "journal"), eventLog: join(dir, "events.jsonl") });
  try {
    const specs = Array.from({ length: PROCS }, (_, i) => unit(i));
    for (const s of specs) await ex.load(s);
    const latencies: number[] = [];
    for (const s of specs) {
      const t = performance.now();
      await ex.start(s.name);
      latencies.push(performance.now() - t);
    }
    let t = performance.now();
    await Promise.all(specs.map((s) => ex.stop(s.name)));
    const stopSeqMs = performance.now() - t;
    t = performance.now();
    await Promise.all(specs.map((s) => ex.start(s.name)));
    const startAllMs = performance.now() - t;
    t = performance.now();
    await Promise.all(specs.map((s) => ex.stop(s.name)));
    const stopAllMs = performance.now() - t;
    const raw = await rawSpawnKill(PROCS, join(dir, "raw.log"));
    console.log(`process executor, ${PROCS} units of /bin/sleep:`);
    console.log(`  one start at a time: p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms`);
    console.log(`  all started concurrently in ${startAllMs.toFixed(1)} ms (${Math.round(PROCS / (startAllMs / 1000))} starts/s); stopped in ${stopAllMs.toFixed(1)} ms (first stop round ${stopSeqMs.toFixed(1)} ms)`);
    console.log(`  baseline (raw detached spawn, then kill): spawned in ${raw.startMs.toFixed(1)} ms, killed in ${raw.stopMs.toFixed(1)} ms`);
    console.log(`  ratio executor/baseline: start ${(startAllMs / raw.startMs).toFixed(2)}x, stop ${(stopAllMs / raw.stopMs).toFixed(2)}x`);
  } finally {
    await ex.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const processCount = () => readdirSync("/proc").filter((e) => /^\d+$/.test(e)).length;

/** Starts `n` sleeping processes in one process group of their own; returns a killer. */
async function busyComputer(n: number): Promise<() => void> {
  const before = processCount();
  const sh = spawn("/bin/sh", ["-c", `i=0; while [ $i -lt ${n} ]; do sleep 600 & i=$((i+1)); done; wait`], { detached: true, stdio: "ignore" });
  for (let i = 0; i < 600 && processCount() < before + n; i++) await new Promise((r) => setTimeout(r, 50));
  return () => {
    try {
      process.kill(-sh.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  };
}

async function stopsOnABusyComputer(): Promise<void> {
  const stopBusy = await busyComputer(BUSY);
  const dir = mkdtempSync(join(tmpdir(), "hafen-bench-exec-"));
  const ex = new ProcessExecutor({ journalDir: join(dir, "journal") });
  try {
    const specs = Array.from({ length: PROCS }, (_, i) => unit(i));
    for (const s of specs) await ex.load(s);
    for (const s of specs) await ex.start(s.name);
    const latencies: number[] = [];
    const cpu0 = process.cpuUsage();
    for (const s of specs) {
      const t = performance.now();
      await ex.stop(s.name);
      latencies.push(performance.now() - t);
    }
    const cpu = process.cpuUsage(cpu0);
    const raw: number[] = [];
    for (let i = 0; i < PROCS; i++) {
      const c = rawSpawn(1, join(dir, "raw.log"))[0]!;
      await new Promise((r) => c.once("spawn", r));
      const t = performance.now();
      const exited = new Promise((r) => c.once("exit", r));
      process.kill(-c.pid!, "SIGTERM");
      await exited;
      raw.push(performance.now() - t);
    }
    console.log(`process executor, ${PROCS} stops one at a time with ${processCount()} processes on the computer:`);
    console.log(`  stop p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms; CPU ${((cpu.user + cpu.system) / 1000 / PROCS).toFixed(2)} ms per stop`);
    console.log(`  baseline (raw SIGTERM to the group, wait for exit): p50 ${percentile(raw, 50).toFixed(2)} ms; ratio p50 executor/baseline ${(percentile(latencies, 50) / percentile(raw, 50)).toFixed(2)}x`);
  } finally {
    await ex.close();
    stopBusy();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function main(): Promise<void> {
  await recording();
  await processes();
  await stopsOnABusyComputer();
}
