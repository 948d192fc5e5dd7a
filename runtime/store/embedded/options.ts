// Options of the embedded store, with their defaults and checks.
import { StoreError } from "../types";
import { show } from "../validate";
import type { Clock } from "./clock";

export interface MemoryStoreOptions {
  /** Lease deadlines read this clock (default: the system's monotonic clock). */
  readonly clock?: Clock;
  /** Revisions of history kept for watches to replay (default 10,000). */
  readonly historyRevisions?: number;
  /** Shortest TTL granted, in seconds (default 1; etcd's is about 2). */
  readonly minLeaseTtlSeconds?: number;
}

export interface EmbeddedStoreOptions extends MemoryStoreOptions {
  /** Data directory, created if missing; one process at a time (lock file). */
  readonly dir: string;
  /** Snapshot and start a new log segment past this many log bytes (default 64 MiB). */
  readonly snapshotBytes?: number;
}

export const DEFAULTS = { historyRevisions: 10_000, minLeaseTtlSeconds: 1, snapshotBytes: 64 * 1024 * 1024 };

export function checkOptions(o: MemoryStoreOptions & { snapshotBytes?: number }): void {
  const bad = (field: string, v: unknown, want: string) =>
    new StoreError("invalid", `embedded store option ${field} ${show(v)} is not accepted; expected ${want}`);
  if (o.historyRevisions !== undefined && !(Number.isSafeInteger(o.historyRevisions) && o.historyRevisions >= 1)) {
    throw bad("historyRevisions", o.historyRevisions, "an integer >= 1");
  }
  if (o.minLeaseTtlSeconds !== undefined && !(Number.isSafeInteger(o.minLeaseTtlSeconds) && o.minLeaseTtlSeconds >= 1)) {
    throw bad("minLeaseTtlSeconds", o.minLeaseTtlSeconds, "an integer >= 1");
  }
  if (o.snapshotBytes !== undefined && !(Number.isSafeInteger(o.snapshotBytes) && o.snapshotBytes >= 1)) {
    throw bad("snapshotBytes", o.snapshotBytes, "an integer >= 1");
  }
}

