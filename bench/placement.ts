// Placements per second: 10,000 units on 1,000 simulated machines — 1,000 in-process
// agents (recording executors) registered over HTTP with one API server on the durable
// embedded store. The units are stored first with the engine held back; then the engine
// starts, and the bench times every assignment written (placements) and every unit
// reported launched by its agent. Baseline, same run: raw puts on the same store.
// Target (issue 4): ≥ 5,000 placements/s.
//
// Everything shares one thread, so the bench measures without polling: "placed" is the
// engine's own report that its passes have written (and seen echoed) 10,000 placements,
// then checked against the store, untimed; "launched" is counted by a watch on the
// states as the agents' reports land. (Ranging and decoding every record every 50 ms
// had cost the system under test 7 % of its thread.)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../runtime/store";
import { Engine } from "../runtime/engine";
import { startServer } from "../runtime/server/server";
import { newToken, sha256Hex } from "../runtime/api/auth";
import { unitRules } from "../runtime/cluster/unit-rules";
import { systemClock } from "../runtime/clock";
import { Registry } from "../runtime/cluster/registry";
import { decodeBucket, decodeStateBucket } from "../runtime/cluster/records";
import { Agent } from "../runtime/agent/agent";
import { AgentApi } from "../runtime/agent/api";
import { RecordingExecutor } from "../runtime/executor/recording";
import { hashOptions } from "../units";
import { measurePutRate } from "./store-rate";
import { median, sleeperUnit, waitFor } from "./cluster-support";

const MACHINES = Number(process.env.MACHINES ?? 1000);
const UNITS = Number(process.env.UNITS ?? 10_000);

function tokens() {
  let t: string | undefined;
  return { load: async () => t, save: async (x: string) => void (t = x), clear: async () => void (t = undefined) };
}

/** Runs (default 3; BENCH_RUNS): each on a new store with new agents. */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

export async function main(): Promise<void> {
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await once());
  console.log(
    `placements/s, ${UNITS} units on ${MACHINES} machines: median ${median(runs.map((r) => r.rate)).toFixed(0)} of ${runs.length} runs (${runs.map((r) => r.rate.toFixed(0)).join(", ")}); ` +
      `target ≥ 5,000; ${median(runs.map((r) => r.rate / r.baseline)).toFixed(2)}x the raw put rate (median)`,
  );
}

interface Run {
  readonly rate: number;
  readonly baseline: number;
}

/** One run on a new store: a single run swings by ±20 % on a 2-core VM, hence several. */
async function once(): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "hafen-bench-place-"));
  const store = await openStore({ backend: "embedded", dir: join(dir, "store") });
  try {
    const base = await measurePutRate(store, 5000, 64, "bench/baseline/");
    console.log(`baseline: raw embedded-store puts (64 concurrent): ${base.perSecond.toFixed(0)}/s`);
    const admin = newToken("admin");
    const boot = newToken("bootstrap");
    let placements = 0;
    let allPlaced: (() => void) | undefined;
    const placed = new Promise<void>((resolve) => (allPlaced = resolve));
    const engine = new Engine({
      store,
      id: "bench-engine",
      onEvent: (e) => {
        if (e.type === "reconciled" && (placements += e.placements) >= UNITS) allPlaced!();
      },
    });
    const held = { start: async () => undefined, stop: () => engine.stop(), isLeader: () => engine.isLeader() };
    const server = await startServer({
      store,
      host: "127.0.0.1",
      port: 0,
      auth: { adminTokenHashes: [sha256Hex(admin)], bootstrap: { hash: sha256Hex(boot) } },
      leaseTtlSeconds: 30,
      version: "bench",
      rules: unitRules,
      clock: systemClock,
      engine: held,
      log: () => undefined,
    });
    const agents: Agent[] = [];
    const t0 = performance.now();
    for (let i = 0; i < MACHINES; i++) {
      const id = (i + 1).toString(16).padStart(32, "0");
      const agent = new Agent({
        info: { id, name: `sim${i + 1}`, primaryIP: "127.0.0.1", metadata: { rack: String(i % 20) }, role: "worker", version: "bench" },
        api: new AgentApi({ findServers: async () => [server.url], bootstrapToken: boot, tokens: tokens() }),
        executor: new RecordingExecutor(),
        clock: systemClock,
        leaseTtlSeconds: 30,
        reconcileIntervalMs: 60_000,
        log: () => undefined,
      });
      agents.push(agent);
      await agent.start();
    }
    const registry = new Registry(store);
    await waitFor(`${MACHINES} machines registered`, 300_000, async () => (await registry.listMachines()).length === MACHINES, 200);
    console.log(`${MACHINES} agents registered in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const hash = hashOptions(sleeperUnit);
    for (let i = 0; i < UNITS; i += 100) {
      await store.txn(
        [],
        Array.from({ length: Math.min(100, UNITS - i) }, (_, j) => ({
          type: "put" as const,
          key: registry.keys.unit(`u${i + j}.service`),
          value: JSON.stringify({ name: `u${i + j}.service`, options: sleeperUnit, hash, desiredState: "launched" }),
        })),
      );
    }
    // Launched: a state bucket holds one record per unit; keep each bucket's count.
    const launchedPerBucket = new Map<string, number>();
    let launchedTotal = 0;
    let allLaunched: (() => void) | undefined;
    const launched = new Promise<void>((resolve) => (allLaunched = resolve));
    const statesWatch = await store.watch(registry.keys.states, (await store.range(registry.keys.states)).revision + 1, {
      onEvents: (events) => {
        for (const e of events) {
          const n = e.type === "put" ? (decodeStateBucket(e.kv.value)?.filter((s) => s.systemdActiveState === "active").length ?? 0) : 0;
          launchedTotal += n - (launchedPerBucket.get(e.kv.key) ?? 0);
          launchedPerBucket.set(e.kv.key, n);
        }
        if (launchedTotal >= UNITS) allLaunched!();
      },
      onError: (err) => console.error(`bench: states watch failed: ${err.message}`),
    });
    const deadline = <T>(p: Promise<T>, what: string, ms: number) =>
      Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`bench: timed out after ${ms} ms waiting for ${what}`)), ms).unref())]);
    const t1 = performance.now();
    await engine.start();
    await deadline(placed, "every unit placed", 300_000);
    const placedS = (performance.now() - t1) / 1000;
    await deadline(launched, "every unit launched", 600_000);
    const launchedS = (performance.now() - t1) / 1000;
    await statesWatch.cancel();
    // Untimed: the store holds what the engine reported (assignments are kept in bucket
    // records: count the entries inside).
    const stored = (await store.range(registry.keys.schedule)).kvs.reduce((n, kv) => n + (decodeBucket(kv.value)?.length ?? 0), 0);
    if (stored !== UNITS) throw new Error(`bench: the engine reported ${placements} placements, the store holds ${stored} assignments; expected ${UNITS}`);
    const rate = UNITS / placedS;
    console.log(
      `${UNITS} units on ${MACHINES} machines: placed in ${placedS.toFixed(2)} s = ${rate.toFixed(0)} placements/s (target ≥ 5,000; ` +
        `${(rate / base.perSecond).toFixed(2)}x the raw put rate); all launched and reported by their agents in ${launchedS.toFixed(2)} s`,
    );
    await Promise.all(agents.map((a) => a.stop()));
    await server.stop();
    return { rate, baseline: base.perSecond };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
