// The store contract. Two backends implement it — `etcd` (the real Raft KV over the v3
// API) and `embedded` (in-process, durable on disk, for one-server clusters) — and both
// must pass test/runtime/store/contract.ts. Nothing above this interface may know which
// backend it talks to.
//
// Model (etcd v3's): one global revision counter, incremented by every successful write
// (a transaction with several ops increments it once). Every key carries the revision
// that created it, the revision of its last change, and its version (1 on create).

/** A lease id. Opaque: etcd's are 64-bit numbers, kept as decimal strings. */
export type LeaseId = string;

export interface KeyValue {
  readonly key: string;
  readonly value: string;
  readonly createRevision: number;
  readonly modRevision: number;
  /** 1 on create, +1 per change; a deleted-and-recreated key starts again at 1. */
  readonly version: number;
  /** Present when the key is attached to a lease and dies with it. */
  readonly lease?: LeaseId;
}

export interface RangeResult {
  readonly kvs: readonly KeyValue[];
  /** The store revision the range was read at; watch from `revision + 1` to miss nothing. */
  readonly revision: number;
}

export interface WriteResult {
  readonly revision: number;
}

export type CompareTarget = "createRevision" | "modRevision" | "version" | "value" | "lease";
export type CompareOp = "==" | "!=" | "<" | ">";

/**
 * One condition of a transaction. A missing key has createRevision = modRevision =
 * version = 0 and value "" — so `{ target: "createRevision", op: "==", value: 0 }` means
 * "the key does not exist" (create-if-absent).
 */
export interface Compare {
  readonly key: string;
  readonly target: CompareTarget;
  readonly op: CompareOp;
  readonly value: number | string;
}

export type TxnOp =
  | { readonly type: "put"; readonly key: string; readonly value: string; readonly lease?: LeaseId }
  | { readonly type: "delete"; readonly key: string }
  | { readonly type: "deletePrefix"; readonly prefix: string };

export interface TxnResult {
  /** True when every compare held and the success ops were applied. */
  readonly succeeded: boolean;
  /** Store revision after the transaction (unchanged when no op was applied). */
  readonly revision: number;
}

export type WatchEvent =
  | { readonly type: "put"; readonly kv: KeyValue }
  /** For deletes, `kv` holds the key, the deleting revision as modRevision, and value "". */
  | { readonly type: "delete"; readonly kv: KeyValue };

export interface WatchHandlers {
  /** Events of one revision arrive together, revisions strictly increasing, no gaps. */
  onEvents(events: readonly WatchEvent[]): void;
  /**
   * The watch ended and will deliver nothing more. `compacted` means the requested
   * start revision is older than the history kept: re-read with `range` and watch from
   * its `revision + 1`.
   */
  onError(err: StoreError): void;
}

export interface Watch {
  /** Stops delivery; idempotent; no handler is called after it resolves. */
  cancel(): Promise<void>;
}

export interface LeaseGrant {
  readonly id: LeaseId;
  /** TTL granted, in seconds (etcd may round up; it will not grant much below 2 s). */
  readonly ttlSeconds: number;
}

export type StoreErrorCode =
  | "compacted" // watch start revision no longer in history
  | "lease-not-found" // keep-alive/revoke/attach on an expired or unknown lease
  | "unavailable" // backend unreachable or timed out; the call may or may not have applied
  | "closed" // the store was closed
  | "invalid"; // bad argument (empty key, negative TTL, ...)

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    /** For `compacted`: the oldest revision still watchable. */
    readonly compactRevision?: number,
  ) {
    super(message);
    this.name = "StoreError";
  }
}

export interface Store {
  readonly backend: "etcd" | "embedded";
  get(key: string): Promise<KeyValue | undefined>;
  /** All keys starting with `prefix`, ascending by key. */
  range(prefix: string): Promise<RangeResult>;
  put(key: string, value: string, opts?: { readonly lease?: LeaseId }): Promise<WriteResult>;
  /** Deletes one key; `deleted` is 0 when it did not exist (not an error). */
  delete(key: string): Promise<WriteResult & { readonly deleted: number }>;
  /** Atomic compare-and-swap: if every compare holds apply `success`, else `failure`. */
  txn(compares: readonly Compare[], success: readonly TxnOp[], failure?: readonly TxnOp[]): Promise<TxnResult>;
  /**
   * Watches every key under `prefix` starting at `fromRevision` (inclusive); events
   * already in history are replayed first. A revision older than the kept history ends
   * the watch with a `compacted` StoreError.
   */
  watch(prefix: string, fromRevision: number, handlers: WatchHandlers): Promise<Watch>;
  grantLease(ttlSeconds: number): Promise<LeaseGrant>;
  /**
   * Renews a lease once, to its full TTL. Rejects with `lease-not-found` when it has
   * already expired or been revoked — the caller has lost everything attached to it.
   */
  keepAlive(id: LeaseId): Promise<void>;
  /** Revokes a lease, deleting its keys. Revoking an unknown lease is not an error. */
  revokeLease(id: LeaseId): Promise<void>;
  /** Cancels watches and releases connections; pending calls reject with `closed`. */
  close(): Promise<void>;
}
