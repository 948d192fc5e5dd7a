// The store contract. Two backends implement it — `etcd` (the real Raft KV over the v3
// API) and `embedded` (in-process, durable on disk, for one-server clusters) — and both
// must pass test/runtime/store/contract.ts. Nothing above this interface may know which
// backend it talks to.
//
// Model (etcd v3's): one global revision counter, incremented by every successful write
// (a transaction with several ops increments it once). Every key carries the revision
// that created it, the revision of its last change, and its version (1 on create).
//
// Refinements forced by real etcd 3.4 behaviour (checked against etcd 3.4.23; both
// backends implement them, test/runtime/store/contract.ts proves it):
// - A `value` compare on a missing key is always false, whatever the op (etcd's
//   applyCompare skips the comparison); the other targets see 0 for a missing key.
// - Keys and values are UTF-8 on the wire, so keys sort by code point (= UTF-8 byte
//   order), not by JavaScript's UTF-16 `<`; strings with lone surrogates are refused
//   (etcd would silently store U+FFFD instead).
// - A transaction branch may not put one key twice nor put a key it also deletes, and
//   has at most 128 ops per branch (etcd's --max-txn-ops default): `invalid`.
// - Argument limits enforced before any I/O, identically on both backends: keys
//   non-empty, key + value at most 1 MiB (etcd refuses requests above 1.5 MiB), lease TTL
//   a whole number of seconds in [1, 9e9], watch start revision an integer >= 1.

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
 * version = 0 and lease "0" — so `{ target: "createRevision", op: "==", value: 0 }` means
 * "the key does not exist" (create-if-absent). A `value` compare on a missing key is
 * always false (etcd's rule), even `!=`. `lease` compares take a LeaseId (or 0 / "0" for
 * "no lease") and order numerically; `value` compares order by UTF-8 bytes; the
 * revision/version targets take integers.
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
  /**
   * For deletes, `kv` is etcd's tombstone: the key, the deleting revision as
   * modRevision, createRevision = version = 0, value "" and no lease.
   */
  | { readonly type: "delete"; readonly kv: KeyValue };

export interface WatchHandlers {
  /**
   * Each call carries all the events of exactly one revision (in the order the
   * revision applied them); calls come in strictly increasing revision order with no
   * revision skipped that touched the prefix. A handler that throws is a bug: the error
   * is re-thrown asynchronously, as an EventEmitter would.
   */
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
   * Watches every key under `prefix` ("" = every key) starting at `fromRevision`
   * (inclusive, an integer >= 1); events already in history are replayed first. A
   * revision older than the kept history ends the watch with a `compacted` StoreError,
   * reported through `onError` after the returned promise resolved (as etcd does). A lost
   * connection is not an error: the watch resumes from the next undelivered revision;
   * but a watch the backend cannot start within its deadline rejects with `unavailable`.
   */
  watch(prefix: string, fromRevision: number, handlers: WatchHandlers): Promise<Watch>;
  /** `ttlSeconds`: whole seconds >= 1; the backend may raise it to its minimum. */
  grantLease(ttlSeconds: number): Promise<LeaseGrant>;
  /**
   * Renews a lease once, to its full TTL. Rejects with `lease-not-found` when it has
   * already expired or been revoked — the caller has lost everything attached to it.
   */
  keepAlive(id: LeaseId): Promise<void>;
  /** Revokes a lease, deleting its keys. Revoking an unknown lease is not an error. */
  revokeLease(id: LeaseId): Promise<void>;
  /**
   * Cancels watches (without calling their handlers) and releases connections; never
   * hangs. Calls made after close() started reject with `closed`; a call still in flight
   * either completes or rejects with `closed` — like `unavailable`, its outcome is then
   * unknown. Idempotent.
   */
  close(): Promise<void>;
}
