// The embedded store: etcd v3's data model in this process. Writes change the in-memory
// state at once (so later writes and compares see them, in call order) and are
// acknowledged when the journal has them on disk; reads and watch events only show what
// is on disk, so nothing a caller saw can be lost by a crash. Without a journal (memory
// mode) it is the same code with nothing to wait for: the in-memory twin for tests.
import { PendingCalls } from "../pending";
import {
  StoreError,
  type Compare,
  type KeyValue,
  type LeaseGrant,
  type LeaseId,
  type RangeResult,
  type Store,
  type TxnOp,
  type TxnResult,
  type Watch,
  type WatchHandlers,
  type WriteResult,
} from "../types";
import { checkEntry, checkKey, checkLeaseId, checkPrefix, checkRevision, checkTtl, checkTxn, show } from "../validate";
import { systemClock, type Clock, type TimerHandle } from "./clock";
import type { WalRecord } from "./codec";
import { Journal, type JournalStats } from "./journal";
import type { Change } from "./keyspace";
import type { RecoveryReport } from "./recovery";
import { applyRecord, emptyState, type State } from "./state";
import { checkOptions, DEFAULTS, type EmbeddedStoreOptions, type MemoryStoreOptions } from "./options";
import { WatchHub } from "./watchers";

export type { EmbeddedStoreOptions, MemoryStoreOptions } from "./options";

export class EmbeddedStore implements Store {
  readonly backend = "embedded" as const;
  private readonly calls = new PendingCalls();
  private readonly hub: WatchHub;
  /** Newest revision known to be on disk: what reads and watches may show. */
  private visibleRev: number;
  /** Settles when every record appended so far is on disk. */
  private lastAppend: Promise<void> = Promise.resolve();
  private failure: StoreError | undefined;
  private expiryTimer: { handle: TimerHandle; due: number } | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly state: State,
    private readonly clock: Clock,
    private readonly journal: Journal | undefined,
    /** What opening found on disk (undefined in memory mode). */
    readonly recovery: RecoveryReport | undefined,
  ) {
    this.visibleRev = state.keyspace.revision;
    this.hub = new WatchHub(state.history, () => this.visibleRev);
    this.armExpiry();
  }

  /** Opens (or creates) a durable store in `opts.dir`. */
  static async open(opts: EmbeddedStoreOptions): Promise<EmbeddedStore> {
    checkOptions(opts);
    if (typeof opts.dir !== "string" || opts.dir === "") throw new StoreError("invalid", `embedded store dir ${show(opts.dir)} must be a non-empty path`);
    const clock = opts.clock ?? systemClock;
    let store: EmbeddedStore | undefined;
    const opened = await Journal.open(
      opts.dir,
      {
        historyRevisions: opts.historyRevisions ?? DEFAULTS.historyRevisions,
        minLeaseTtlSeconds: opts.minLeaseTtlSeconds ?? DEFAULTS.minLeaseTtlSeconds,
        snapshotBytes: opts.snapshotBytes ?? DEFAULTS.snapshotBytes,
      },
      clock.now(),
      (err) => store?.fail(err),
    ).catch((err: unknown) => {
      if (err instanceof StoreError) throw err;
      throw new StoreError("unavailable", `cannot open the embedded store in ${opts.dir}: ${(err as Error).message}`);
    });
    store = new EmbeddedStore(opened.state, clock, opened.journal, opened.report);
    return store;
  }

  /** A store with the same semantics and nothing on disk. */
  static memory(opts: MemoryStoreOptions = {}): EmbeddedStore {
    checkOptions(opts);
    const state = emptyState({
      historyRevisions: opts.historyRevisions ?? DEFAULTS.historyRevisions,
      minLeaseTtlSeconds: opts.minLeaseTtlSeconds ?? DEFAULTS.minLeaseTtlSeconds,
    });
    return new EmbeddedStore(state, opts.clock ?? systemClock, undefined, undefined);
  }

  /** Log and snapshot counters (undefined in memory mode). */
  get stats(): JournalStats | undefined {
    return this.journal?.stats;
  }

  get(key: string): Promise<KeyValue | undefined> {
    return this.op(() => {
      checkKey(key);
      return this.read(this.state.keyspace.get(key));
    });
  }

  range(prefix: string): Promise<RangeResult> {
    return this.op(() => {
      checkPrefix(prefix);
      return this.read({ kvs: this.state.keyspace.range(prefix), revision: this.state.keyspace.revision });
    });
  }

  put(key: string, value: string, opts?: { readonly lease?: LeaseId }): Promise<WriteResult> {
    return this.op(async () => {
      checkEntry(key, value);
      const lease = opts?.lease;
      if (lease !== undefined) this.checkLeaseAlive(lease, `put ${show(key)}`);
      const ch: Change = lease === undefined ? { type: "put", key, value } : { type: "put", key, value, lease };
      return { revision: await this.writeRevision([ch]) };
    });
  }

  delete(key: string): Promise<WriteResult & { readonly deleted: number }> {
    return this.op(async () => {
      checkKey(key);
      if (!this.state.keyspace.get(key)) return this.read({ revision: this.state.keyspace.revision, deleted: 0 });
      return { revision: await this.writeRevision([{ type: "delete", key }]), deleted: 1 };
    });
  }

  txn(compares: readonly Compare[], success: readonly TxnOp[], failure: readonly TxnOp[] = []): Promise<TxnResult> {
    return this.op(async () => {
      checkTxn(compares, success, failure);
      const ks = this.state.keyspace;
      const succeeded = compares.every((c) => ks.compare(c));
      const branch = succeeded ? success : failure;
      // etcd checks the leases of the branch it takes, and only that branch.
      for (const op of branch) if (op.type === "put" && op.lease !== undefined) this.checkLeaseAlive(op.lease, `txn put ${show(op.key)}`);
      const changes = ks.plan(branch);
      if (changes.length === 0) return this.read({ succeeded, revision: ks.revision });
      return { succeeded, revision: await this.writeRevision(changes) };
    });
  }

  watch(prefix: string, fromRevision: number, handlers: WatchHandlers): Promise<Watch> {
    return this.op(async () => {
      checkPrefix(prefix);
      checkRevision(fromRevision, "watch fromRevision");
      if (typeof handlers?.onEvents !== "function" || typeof handlers?.onError !== "function") {
        throw new StoreError("invalid", "watch handlers must have onEvents and onError functions");
      }
      const remove = this.hub.add(prefix, fromRevision, handlers);
      return { cancel: async () => remove() };
    });
  }

  grantLease(ttlSeconds: number): Promise<LeaseGrant> {
    return this.op(async () => {
      checkTtl(ttlSeconds);
      const leases = this.state.leases;
      const grant = { t: "grant", id: leases.allocate(), ttl: leases.effectiveTtl(ttlSeconds) } as const;
      await this.apply(grant);
      return { id: grant.id, ttlSeconds: grant.ttl };
    });
  }

  keepAlive(id: LeaseId): Promise<void> {
    return this.op(async () => {
      checkLeaseId(id);
      if (!this.state.leases.renew(id, this.clock.now())) {
        this.expireDue(); // past its deadline but the timer has not run yet
        throw new StoreError("lease-not-found", `lease ${id} has expired or was revoked`);
      }
      await this.read(undefined);
    });
  }

  revokeLease(id: LeaseId): Promise<void> {
    return this.op(async () => {
      checkLeaseId(id);
      if (!this.state.leases.has(id)) return this.read(undefined);
      await this.revoke(id);
    });
  }

  /** Forgets watch history below `revision`, like etcd's compaction (keys are unaffected). */
  compact(revision: number): Promise<void> {
    return this.op(async () => {
      checkRevision(revision, "compact revision");
      this.state.history.compact(Math.min(revision, this.visibleRev + 1));
    });
  }

  /** Takes a snapshot now (no-op in memory mode); resolves when it is on disk. */
  snapshot(): Promise<void> {
    return this.op(async () => this.journal?.snapshotNow());
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.calls.close("embedded store");
      this.hub.clear();
      this.expiryTimer?.handle.cancel();
      this.expiryTimer = undefined;
      await this.journal?.close();
    })();
    return this.closing;
  }

  private op<T>(work: () => T | Promise<T>): Promise<T> {
    return this.calls.run(async () => {
      if (this.failure) throw this.failure;
      return work();
    });
  }

  /** Returns `value` once everything it may reflect is on disk. */
  private async read<T>(value: T): Promise<T> {
    await this.lastAppend.catch(() => {
      throw this.failure ?? new StoreError("unavailable", "embedded store log write failed");
    });
    return value;
  }

  private checkLeaseAlive(id: LeaseId, what: string): void {
    checkLeaseId(id, `${what} lease`);
    if (!this.state.leases.alive(id, this.clock.now())) {
      throw new StoreError("lease-not-found", `${what}: lease ${id} does not exist (expired, revoked or never granted)`);
    }
  }

  private async writeRevision(changes: readonly Change[]): Promise<number> {
    const rev = this.state.keyspace.revision + 1;
    await this.apply({ t: "rev", rev, ch: changes });
    return rev;
  }

  private revoke(id: LeaseId): Promise<void> {
    const keys = this.state.keyspace.keysOf(id);
    const rev = keys.length > 0 ? this.state.keyspace.revision + 1 : 0;
    return this.apply({ t: "revoke", id, rev, ch: keys.map((key) => ({ type: "delete", key }) as const) });
  }

  /** Changes the state, then resolves once the record is on disk. */
  private apply(rec: WalRecord): Promise<void> {
    applyRecord(this.state, rec, this.clock.now());
    if (rec.t === "grant") this.armExpiry();
    const rev = this.state.keyspace.revision;
    const done = this.journal ? this.journal.append(rec) : Promise.resolve();
    this.lastAppend = done;
    done.then(
      () => {
        if (rev > this.visibleRev) {
          this.visibleRev = rev;
          this.hub.schedule();
        }
      },
      (err: Error) => this.fail(err),
    );
    return done.catch(() => {
      throw this.failure ?? new StoreError("unavailable", "embedded store log write failed");
    });
  }

  /** Revokes every lease past its deadline, one revision each (as etcd does). */
  private expireDue(): void {
    if (this.failure || this.calls.closed) return;
    for (const id of this.state.leases.expired(this.clock.now())) void this.revoke(id).catch(() => undefined);
    this.armExpiry();
  }

  /**
   * Keeps one timer at or before the earliest lease deadline. Renewals only move
   * deadlines later, so they need no re-arming: an early firing just re-arms.
   */
  private armExpiry(): void {
    const due = this.state.leases.earliestDeadline();
    if (due === undefined || this.calls.closed || this.failure) return;
    if (this.expiryTimer && this.expiryTimer.due <= due) return;
    this.expiryTimer?.handle.cancel();
    const handle = this.clock.setTimer(due - this.clock.now(), () => {
      this.expiryTimer = undefined;
      this.expireDue();
    });
    this.expiryTimer = { handle, due };
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = new StoreError(
      "unavailable",
      `embedded store stopped: writing its log failed (${err.message}); nothing further is accepted — reopen it`,
    );
    this.expiryTimer?.handle.cancel();
    this.hub.failAll(this.failure);
  }
}
