// Helpers for engine tests on the in-memory store: a manual clock shared by the store
// and the engines, a way to let promises settle between clock steps, and a store proxy
// that can be cut off from the store like a partitioned server.
import { ManualClock, StoreError, type Store, type Watch, type WatchEvent, type WatchHandlers } from "../../../runtime/store";

/** Lets pending promise chains and immediate callbacks run (bounded). */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/** Advances `clocks` together in steps of `stepMs`, letting async work run after each. */
export async function advance(ms: number, clocks: readonly ManualClock[], stepMs = 100): Promise<void> {
  for (let done = 0; done < ms; done += stepMs) {
    for (const c of clocks) c.advance(Math.min(stepMs, ms - done));
    await settle();
  }
}

/** Polls `cond` between clock steps until it holds; fails after `maxMs` of simulated time. */
export async function until(cond: () => boolean, clocks: readonly ManualClock[], maxMs = 30_000, stepMs = 100): Promise<number> {
  for (let waited = 0; waited <= maxMs; waited += stepMs) {
    await settle();
    if (cond()) return waited;
    for (const c of clocks) c.advance(stepMs);
  }
  throw new Error(`condition not met within ${maxMs} ms of simulated time`);
}

/** Polls real time (for stores driven by the system clock): bounded by `maxMs`. */
export async function eventually(cond: () => boolean | Promise<boolean>, maxMs = 5000): Promise<void> {
  const until = Date.now() + maxMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`condition not met within ${maxMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * A view of a store that can be cut off: while cut off every call fails with
 * `unavailable` and watch events are held back (etcd resumes a watch after a
 * reconnection, so they arrive later, in order, once `heal()` and `deliver()` run).
 */
export class Partition implements Store {
  readonly backend: Store["backend"];
  private cut = false;
  private readonly held: Array<() => void> = [];
  private readonly live = new Set<{ broken: boolean; h: WatchHandlers; held: number }>();
  private readonly slow = new Set<string>();
  private readonly slowRanges = new Set<string>();
  private readonly rangeWaiters: Array<() => void> = [];

  constructor(private readonly inner: Store) {
    this.backend = inner.backend;
  }

  cutOff(): void {
    this.cut = true;
  }

  /** Calls work again; held watch events stay held until deliver(). */
  heal(): void {
    this.cut = false;
  }

  deliver(): void {
    this.slow.clear();
    for (const f of this.held.splice(0)) f();
  }

  /** Holds back events of watches on `prefix` (a slow watch stream) until deliver(). */
  holdEvents(prefix: string): void {
    this.slow.add(prefix);
  }

  /** Range reads of exactly `prefix` wait until releaseRanges() (a slow, big read). */
  delayRanges(prefix: string): void {
    this.slowRanges.add(prefix);
  }

  releaseRanges(): void {
    this.slowRanges.clear();
    for (const r of this.rangeWaiters.splice(0)) r();
  }

  /** Ends every open watch with a `compacted` error, as etcd does when history is gone. */
  breakWatches(): void {
    for (const w of this.live) {
      w.broken = true;
      w.h.onError(new StoreError("compacted", "history compacted (test)", 1));
    }
    this.live.clear();
  }

  private check(): void {
    if (this.cut) throw new StoreError("unavailable", "partitioned (test)");
  }

  get: Store["get"] = async (k) => (this.check(), this.inner.get(k));
  range: Store["range"] = async (p) => {
    this.check();
    if (this.slowRanges.has(p)) await new Promise<void>((resolve) => this.rangeWaiters.push(resolve));
    return this.inner.range(p);
  };
  put: Store["put"] = async (k, v, o) => (this.check(), this.inner.put(k, v, o));
  delete: Store["delete"] = async (k) => (this.check(), this.inner.delete(k));
  txn: Store["txn"] = async (c, s, f) => (this.check(), this.inner.txn(c, s, f));
  grantLease: Store["grantLease"] = async (t) => (this.check(), this.inner.grantLease(t));
  keepAlive: Store["keepAlive"] = async (id) => (this.check(), this.inner.keepAlive(id));
  revokeLease: Store["revokeLease"] = async (id) => (this.check(), this.inner.revokeLease(id));
  close: Store["close"] = async () => undefined;

  async watch(prefix: string, from: number, h: WatchHandlers): Promise<Watch> {
    this.check();
    const entry = { broken: false, h, held: 0 };
    this.live.add(entry);
    const inner = await this.inner.watch(prefix, from, {
      onEvents: (events: readonly WatchEvent[]) => {
        if (entry.broken) return;
        // Each watch keeps its own order; different watches are independent streams.
        if (this.cut || this.slow.has(prefix) || entry.held > 0) {
          entry.held++;
          this.held.push(() => {
            entry.held--;
            h.onEvents(events);
          });
        } else h.onEvents(events);
      },
      onError: (err) => h.onError(err),
    });
    return {
      cancel: async () => {
        this.live.delete(entry);
        entry.broken = true;
        await inner.cancel();
      },
    };
  }
}
