// Engine leader election through a store lease, with fencing.
//
// Campaign: grant a lease, then create the leader key with it only if the key is absent
// (compare createRevision == 0). The winner's term is that key's createRevision. The
// leader renews its lease every ttl/3; the others watch the key and campaign again the
// moment it disappears (lease expired or revoked), with a slow poll as a backstop.
//
// Fencing: a leader cut off from the store learns it lost only when a renewal fails,
// about one TTL after its successor took over (design.md). So every leader-only write
// must carry `fence()` — compares on the leader key's createRevision and value — and a
// failed fenced write means this term is over (`lost()`). The leader also steps down on
// its own once a TTL has passed since the last renewal it sent that succeeded.
import { EngineOptionError } from "./errors";
import { StoreError, systemClock, type Clock, type Compare, type LeaseId, type Store, type TimerHandle, type Watch, type WatchEvent } from "../store";

export interface Term {
  /** Revision at which this engine created the leader key: unique per term. */
  readonly createRevision: number;
  readonly lease: LeaseId;
}

export type LeaderEvent =
  | { readonly type: "elected"; readonly term: Term }
  | { readonly type: "deposed"; readonly reason: string }
  | { readonly type: "error"; readonly during: string; readonly error: unknown };

export interface LeaderOptions {
  readonly store: Store;
  /** The leader key (keyspace().leader). */
  readonly key: string;
  /** This engine's id, the key's value while it leads; unique per process. */
  readonly id: string;
  /** Lease TTL in whole seconds (default 5; etcd will not grant less than about 2). */
  readonly ttlSeconds?: number;
  readonly clock?: Clock;
  /** Called on every change of leadership, in order. Must not throw. */
  readonly onEvent?: (e: LeaderEvent) => void;
}

export const DEFAULT_LEADER_TTL_SECONDS = 5;

export class LeaderElection {
  private readonly ttlMs: number;
  private readonly clock: Clock;
  private current: Term | undefined;
  private watch: Watch | undefined;
  private timer: TimerHandle | undefined;
  private campaigning: Promise<void> | undefined;
  private lastRenewSent = 0;
  private stopped = false;
  private started = false;

  constructor(private readonly o: LeaderOptions) {
    const ttl = o.ttlSeconds ?? DEFAULT_LEADER_TTL_SECONDS;
    if (!Number.isSafeInteger(ttl) || ttl < 1) throw new EngineOptionError("leader", "ttlSeconds", ttl, "a whole number of seconds >= 1");
    this.ttlMs = ttl * 1000;
    this.clock = o.clock ?? systemClock;
  }

  /**
   * Starts campaigning; resolves after the first attempt (won or not). Never rejects: a
   * store that is not reachable yet is reported as an error event and retried each TTL.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.ensureWatch();
    await this.campaign();
    this.arm();
  }

  isLeader(): boolean {
    return this.current !== undefined;
  }

  term(): Term | undefined {
    return this.current;
  }

  /** Compares that hold only while `term` is still the leader's term. */
  fence(term: Term): Compare[] {
    return [
      { key: this.o.key, target: "createRevision", op: "==", value: term.createRevision },
      { key: this.o.key, target: "value", op: "==", value: this.o.id },
    ];
  }

  /** A fenced write of `term` was refused: that term is over. */
  lost(term: Term, reason: string): void {
    if (this.current?.createRevision === term.createRevision) void this.stepDown(reason);
  }

  /** Resigns (revokes the lease, so a successor need not wait a TTL) and stops. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.timer?.cancel();
    const w = this.watch;
    this.watch = undefined;
    await w?.cancel();
    await this.campaigning?.catch(() => undefined);
    await this.stepDown("resigned");
  }

  /** One campaign at a time; a no-op while leading or stopped. */
  private campaign(): Promise<void> {
    if (this.stopped || this.current || this.campaigning) return this.campaigning ?? Promise.resolve();
    this.campaigning = this.tryOnce()
      .catch((error: unknown) => this.emit({ type: "error", during: "campaign", error }))
      .finally(() => (this.campaigning = undefined));
    return this.campaigning;
  }

  private async tryOnce(): Promise<void> {
    const existing = await this.o.store.get(this.o.key);
    if (existing || this.stopped) return;
    const sent = this.clock.now();
    const grant = await this.o.store.grantLease(this.ttlMs / 1000);
    const r = await this.o.store.txn(
      [{ key: this.o.key, target: "createRevision", op: "==", value: 0 }],
      [{ type: "put", key: this.o.key, value: this.o.id, lease: grant.id }],
    );
    if (!r.succeeded || this.stopped) {
      await this.o.store.revokeLease(grant.id);
      return;
    }
    this.lastRenewSent = sent;
    this.current = { createRevision: r.revision, lease: grant.id };
    this.emit({ type: "elected", term: this.current });
    if (this.started) this.arm(); // renew at ttl/3 from now, not at the follower's pace
  }

  /** The heartbeat: renew while leading, poll the key while not (backstop for the watch). */
  private arm(): void {
    this.timer?.cancel();
    if (this.stopped) return;
    const every = this.current ? Math.max(1, Math.floor(this.ttlMs / 3)) : this.ttlMs;
    this.timer = this.clock.setTimer(every, () => void this.beat().finally(() => this.arm()));
  }

  private async beat(): Promise<void> {
    const t = this.current;
    if (!t) {
      await this.ensureWatch();
      return this.campaign();
    }
    if (this.clock.now() - this.lastRenewSent >= this.ttlMs) return void this.stepDown("no successful renewal within the lease TTL");
    const sent = this.clock.now();
    try {
      await this.o.store.keepAlive(t.lease);
      if (this.current === t) this.lastRenewSent = sent;
    } catch (error) {
      if (error instanceof StoreError && error.code === "lease-not-found") this.lost(t, "leader lease expired");
      else this.emit({ type: "error", during: "keep-alive", error });
    }
  }

  /**
   * Ends the term here and revokes its lease, so the key goes now rather than a TTL later
   * and no engine waits for a leader that has stopped leading (harmless if it is gone).
   */
  private stepDown(reason: string): Promise<void> {
    const t = this.current;
    if (!t) return Promise.resolve();
    this.current = undefined;
    this.emit({ type: "deposed", reason });
    const revoked = this.o.store.revokeLease(t.lease).catch((error: unknown) => this.emit({ type: "error", during: "revoke", error }));
    if (!this.stopped) void revoked.then(() => this.campaign());
    return revoked;
  }

  /** Watches the leader key unless already watching; failures are reported, not thrown. */
  private async ensureWatch(): Promise<void> {
    if (this.watch || this.stopped) return;
    try {
      const { revision } = await this.o.store.range(this.o.key);
      const w = await this.o.store.watch(this.o.key, revision + 1, {
        onEvents: (events) => this.onKeyEvents(events),
        onError: (error) => {
          this.emit({ type: "error", during: "leader watch", error });
          if (this.watch === w) this.watch = undefined;
          void this.ensureWatch().then(() => this.campaign());
        },
      });
      if (this.stopped || this.watch) await w.cancel();
      else this.watch = w;
    } catch (error) {
      this.emit({ type: "error", during: "leader watch", error });
    }
  }

  private onKeyEvents(events: readonly WatchEvent[]): void {
    for (const e of events) {
      if (e.kv.key !== this.o.key) continue;
      // Events from before this term (a campaign can win before the watch delivers the
      // delete that made room for it) say nothing about it.
      const t = this.current;
      const newer = t !== undefined && e.kv.modRevision > t.createRevision;
      if (newer && (e.type === "delete" || e.kv.createRevision !== t.createRevision)) {
        void this.stepDown(e.type === "delete" ? "leader key deleted" : "leader key taken over");
      }
      if (e.type === "delete") void this.campaign();
    }
  }

  private emit(e: LeaderEvent): void {
    this.o.onEvent?.(e);
  }
}
