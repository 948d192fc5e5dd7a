// The embedded store's whole state and the one function that changes it. Live writes and
// log replay both go through `applyRecord`, so a reopened store is the same state
// machine fed the same records.
import type { SnapshotRecord, WalRecord } from "./codec";
import { History } from "./history";
import { Keyspace } from "./keyspace";
import { LeaseTable } from "./leases";

export interface State {
  readonly keyspace: Keyspace;
  readonly leases: LeaseTable;
  readonly history: History;
}

export interface StateOptions {
  readonly historyRevisions: number;
  readonly minLeaseTtlSeconds: number;
}

export function emptyState(opts: StateOptions): State {
  return { keyspace: new Keyspace(), leases: new LeaseTable(opts.minLeaseTtlSeconds), history: new History(opts.historyRevisions, 1) };
}

/**
 * Applies one record. `now` starts the TTL of granted leases (on replay too: a reopened
 * store restarts every lease's TTL, as etcd does).
 */
export function applyRecord(s: State, rec: WalRecord, now: number): void {
  switch (rec.t) {
    case "rev":
      s.history.append(rec.rev, s.keyspace.apply(rec.rev, rec.ch));
      return;
    case "grant":
      s.leases.add(rec.id, rec.ttl, now);
      return;
    case "revoke":
      s.leases.remove(rec.id);
      if (rec.ch.length > 0) s.history.append(rec.rev, s.keyspace.apply(rec.rev, rec.ch));
      return;
    default: {
      const _never: never = rec;
      throw new Error(`unknown record ${JSON.stringify(_never)}`);
    }
  }
}

/**
 * The state as a snapshot, captured synchronously (key-values are immutable objects, so
 * the copy stays consistent while the store moves on).
 */
export function captureSnapshot(s: State): Omit<SnapshotRecord, "walSeq"> {
  return {
    t: "snap",
    v: 1,
    rev: s.keyspace.revision,
    nextLeaseId: s.leases.nextId,
    kvs: [...s.keyspace.entries()],
    leases: s.leases.entries(),
  };
}

export function stateFromSnapshot(snap: SnapshotRecord, opts: StateOptions, now: number): State {
  const s: State = {
    keyspace: new Keyspace(),
    leases: new LeaseTable(opts.minLeaseTtlSeconds),
    history: new History(opts.historyRevisions, snap.rev + 1),
  };
  s.keyspace.load(snap.rev, snap.kvs);
  s.leases.nextId = snap.nextLeaseId;
  for (const [id, ttl] of snap.leases) s.leases.add(id, ttl, now);
  return s;
}
