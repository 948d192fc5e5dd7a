// The store's raw write rate, reusable as the same-run baseline of other benchmarks.
// No side effects on import (unlike bench/store.ts, which runs when bundled).
import { performance } from "node:perf_hooks";
import type { Store } from "../runtime/store/types";

export interface Rate {
  readonly ops: number;
  readonly seconds: number;
  readonly perSecond: number;
}

/** Runs `n` calls of `op(i, caller)` with `concurrency` callers in flight. */
async function measure(n: number, concurrency: number, op: (i: number, caller: number) => Promise<unknown>): Promise<Rate> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async (_, caller) => {
      for (let i = next++; i < n; i = next++) await op(i, caller);
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  return { ops: n, seconds, perSecond: n / seconds };
}

/** Puts of 100-byte values to distinct keys under `prefix`: the raw write rate. */
export function measurePutRate(store: Store, n: number, concurrency: number, prefix = "bench/put/"): Promise<Rate> {
  const value = "x".repeat(100);
  return measure(n, concurrency, (i) => store.put(`${prefix}${i}`, value));
}

/**
 * Compare-and-swap transactions (modRevision must match, then put), each caller on its
 * own key: what an engine's fenced writes cost.
 */
export async function measureTxnRate(store: Store, n: number, concurrency: number, prefix = "bench/txn/"): Promise<Rate> {
  const revs = new Map<number, number>();
  return measure(n, concurrency, async (i, caller) => {
    const key = `${prefix}${caller}`;
    const mod = revs.get(caller) ?? 0;
    const res = await store.txn([{ key, target: "modRevision", op: "==", value: mod }], [{ type: "put", key, value: String(i) }]);
    if (!res.succeeded) throw new Error(`bench txn on ${key} lost its compare-and-swap`);
    revs.set(caller, res.revision);
  });
}

