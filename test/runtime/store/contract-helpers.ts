// Shared pieces of the store contract suite: the harness each backend provides, a
// watch recorder, and bounded polling.
import { StoreError, type Store, type WatchEvent, type WatchHandlers } from "../../../runtime/store/types";

export interface StoreHarness {
  readonly store: Store;
  /** TTL the lease tests grant (etcd will not go much below 2 s). */
  readonly ttl: number;
  /** Lets `ms` of store time pass: advances a manual clock, or really waits. */
  elapse(ms: number): Promise<void>;
  /** Drops watch history below `revision` (etcd's compaction). */
  compact(revision: number): Promise<void>;
  /** Closes the store (again, if a test closed it) and cleans up. */
  dispose(): Promise<void>;
}

/** Makes a harness whose store starts with no keys. */
export type HarnessFactory = () => Promise<StoreHarness>;

/** Polls `check` every 20 ms until it stops throwing, for at most `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

export interface Recorder extends WatchHandlers {
  readonly calls: (readonly WatchEvent[])[];
  readonly errors: StoreError[];
  /** Every event, flattened. */
  events(): WatchEvent[];
  /** Waits until at least `n` events arrived. */
  waitEvents(n: number, timeoutMs?: number): Promise<WatchEvent[]>;
  waitError(timeoutMs?: number): Promise<StoreError>;
}

export function recorder(): Recorder {
  const calls: (readonly WatchEvent[])[] = [];
  const errors: StoreError[] = [];
  const events = () => calls.flat();
  return {
    calls,
    errors,
    events,
    onEvents: (evs) => void calls.push(evs),
    onError: (err) => void errors.push(err),
    waitEvents: (n, timeoutMs = 5000) =>
      eventually(() => {
        const all = events();
        if (all.length < n) throw new Error(`got ${all.length} of ${n} events: ${JSON.stringify(all.map(brief))}`);
        return all;
      }, timeoutMs),
    waitError: (timeoutMs = 5000) =>
      eventually(() => {
        if (!errors[0]) throw new Error("no watch error yet");
        return errors[0];
      }, timeoutMs),
  };
}

/** `put a=1 @5` / `delete a @6`: readable in assertion diffs. */
export function brief(e: WatchEvent): string {
  return e.type === "put" ? `put ${e.kv.key}=${e.kv.value} @${e.kv.modRevision}` : `delete ${e.kv.key} @${e.kv.modRevision}`;
}

/** Resolves with the StoreError a promise rejects with; fails if it resolves. */
export async function rejection(p: Promise<unknown>): Promise<StoreError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof StoreError) return err;
    throw new Error(`expected a StoreError, got ${String(err)}`);
  }
  throw new Error("expected a rejection, but the call succeeded");
}

/** A short real pause, for "nothing more arrives" checks after a positive signal. */
export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Byte order of UTF-8, which is what etcd sorts keys by. */
export const byUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
