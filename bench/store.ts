// Store benchmark: write rates of the embedded store (durable and in memory) and of a
// single etcd member, measured in the same run so the ratios compare like with like.
// Its figures are also the same-run baseline other benchmarks divide by: use
// `measurePutRate` from ./store-rate for that.
//   npx esbuild bench/store.ts --bundle --platform=node --packages=external --outfile=/tmp/b.js && node /tmp/b.js
import "./store-resolve";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { EmbeddedStore } from "../runtime/store/embedded/store";
import { EtcdStore } from "../runtime/store/etcd";
import { startEtcd, waitHealthy } from "../test/support/etcd";
import { measurePutRate, measureTxnRate, type Rate } from "./store-rate";

// Re-exported for convenience; other benchmarks should import them from ./store-rate:
// bundled, `require.main === module` below is true for every module in the bundle, so
// importing this file from another benchmark's entry would run this benchmark too.
export { measurePutRate, measureTxnRate, type Rate } from "./store-rate";

function row(name: string, r: Rate, extra = ""): void {
  console.log(`${name.padEnd(44)} ${r.perSecond.toFixed(0).padStart(9)} ops/s  (${r.ops} in ${r.seconds.toFixed(2)} s)${extra}`);
}

async function embeddedFigures(dir: string): Promise<Record<string, Rate>> {
  const store = await EmbeddedStore.open({ dir: join(dir, "embedded") });
  await measurePutRate(store, 200, 8, "warm/");
  const s0 = { ...store.stats! };
  const seq = await measurePutRate(store, 1500, 1, "seq/");
  const s1 = { ...store.stats! };
  const conc = await measurePutRate(store, 20000, 64, "conc/");
  const s2 = { ...store.stats! };
  const txnSeq = await measureTxnRate(store, 1000, 1, "tseq/");
  const txnConc = await measureTxnRate(store, 10000, 64, "tconc/");
  row("embedded put, sequential (1 fsync per write)", seq, `  ${((s1.records - s0.records) / (s1.syncs - s0.syncs)).toFixed(1)} writes/fsync`);
  row("embedded put, 64 concurrent (group commit)", conc, `  ${((s2.records - s1.records) / (s2.syncs - s1.syncs)).toFixed(1)} writes/fsync`);
  row("embedded txn (CAS), sequential", txnSeq);
  row("embedded txn (CAS), 64 concurrent", txnConc);
  await store.close();
  const mem = EmbeddedStore.memory();
  const memConc = await measurePutRate(mem, 50000, 64, "mem/");
  row("in-memory twin put, 64 concurrent", memConc);
  await mem.close();
  return { seq, conc, txnSeq, txnConc, memConc };
}

async function etcdFigures(): Promise<Record<string, Rate>> {
  const etcdDir = mkdtempSync(join(tmpdir(), "hafen-bench-etcd-"));
  const member = await startEtcd({ name: "bench", dataDir: join(etcdDir, "data") });
  try {
    await waitHealthy(member);
    const store = EtcdStore.open({ endpoints: [member.clientUrl], callTimeoutMs: 5000 });
    await measurePutRate(store, 200, 8, "warm/");
    const seq = await measurePutRate(store, 1000, 1, "seq/");
    const conc = await measurePutRate(store, 10000, 64, "conc/");
    const txnSeq = await measureTxnRate(store, 1000, 1, "tseq/");
    const txnConc = await measureTxnRate(store, 10000, 64, "tconc/");
    row("etcd put, sequential", seq);
    row("etcd put, 64 concurrent", conc);
    row("etcd txn (CAS), sequential", txnSeq);
    row("etcd txn (CAS), 64 concurrent", txnConc);
    await store.close();
    return { seq, conc, txnSeq, txnConc };
  } finally {
    await member.stop();
    rmSync(dirname(member.dataDir), { recursive: true, force: true }); // startEtcd made this temp dir
  }
}

/** Reopen time after 50,000 writes: with the default snapshots, and replaying all. */
async function restartFigures(dir: string): Promise<void> {
  for (const [name, snapshotBytes] of [["snapshots every 1 MiB", 1024 * 1024], ["no snapshot (whole log)", 1024 ** 3]] as const) {
    const path = join(dir, `restart-${snapshotBytes}`);
    const store = await EmbeddedStore.open({ dir: path, snapshotBytes });
    await measurePutRate(store, 50000, 64, "r/");
    await store.close();
    const start = performance.now();
    const again = await EmbeddedStore.open({ dir: path });
    const ms = performance.now() - start;
    console.log(`${`embedded reopen after 50k writes, ${name}`.padEnd(44)} ${ms.toFixed(0).padStart(9)} ms    (replayed ${again.recovery!.records} records)`);
    await again.close();
  }
}

export async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "hafen-bench-store-"));
  try {
    console.log("store benchmark (same run; ops/s, higher is better)");
    const e = await embeddedFigures(dir);
    const etcd = await etcdFigures();
    await restartFigures(dir);
    const ratio = (a: Rate, b: Rate) => `${(a.perSecond / b.perSecond).toFixed(2)}x`;
    console.log("ratios:");
    console.log(`  embedded 64-concurrent / embedded sequential (group commit gain): ${ratio(e.conc!, e.seq!)}`);
    console.log(`  embedded sequential / etcd sequential:                           ${ratio(e.seq!, etcd.seq!)}`);
    console.log(`  embedded 64-concurrent / etcd 64-concurrent:                     ${ratio(e.conc!, etcd.conc!)}`);
    console.log(`  embedded txn 64-concurrent / etcd txn 64-concurrent:             ${ratio(e.txnConc!, etcd.txnConc!)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
