// One leadership term of the engine: mirror the keyspace, and whenever machines, their
// metadata or units change (coalesced over `debounceMs`) or the reconcile interval comes
// round, run decide() on the mirror and write the difference, fenced by the term.
//
// Passes never overlap, and a pass ends only when the mirror shows its own writes: the
// next decide must see them, or it could place a unit a second time elsewhere. The
// interval pass retries after errors; when the mirror has not changed since a pass that
// found nothing to write it costs nothing (an idle leader does no work).
import type { Keyspace } from "../cluster/keys";
import type { Clock, Store, TimerHandle, TxnOp } from "../store";
import { decide } from "./decide";
import { planWrites, type UnitFacts } from "./diff";
import type { LeaderElection, Term } from "./leader";
import { Mirror, type Section } from "./mirror";
import { writeFenced } from "./writer";

export interface SessionSettings {
  readonly store: Store;
  readonly keyspace: Keyspace;
  readonly clock: Clock;
  readonly reconcileIntervalMs: number;
  readonly debounceMs: number;
  readonly maxOpsPerPass: number;
  readonly batchOps: number;
  readonly writeConcurrency: number;
  readonly catchUpTimeoutMs: number;
}

export type Trigger = "start" | "change" | "interval";

interface WriteCounts {
  /** New assignment keys written. */
  readonly placements: number;
  /** Assignment keys deleted. */
  readonly removals: number;
  readonly ops: number;
  readonly txns: number;
}

export interface PassReport extends WriteCounts {
  readonly trigger: Trigger;
  readonly decideMs: number;
  readonly totalMs: number;
  readonly unschedulable: number;
  /** Machines, metadata or units changed while its writes went out; another pass follows. */
  readonly interrupted: boolean;
}

export interface SessionHooks {
  readonly onPass: (r: PassReport) => void;
  readonly onError: (during: string, error: unknown) => void;
}

export class Session {
  readonly mirror: Mirror;
  private debounce: TimerHandle | undefined;
  /** Time the last pass spent deciding and planning (not waiting for writes). */
  private lastCpuMs = 0;
  private interval: TimerHandle | undefined;
  private dirty: Trigger | undefined;
  private running: Promise<void> | undefined;
  private closed = false;
  /** No pass before every section is loaded: half a mirror would unschedule the rest. */
  private ready = false;
  private readonly idleWaiters: Array<() => void> = [];
  /** Mirror version after the last pass that found nothing to write: decide() is pure, so
   *  while the mirror stays at this version another pass would find nothing either. */
  private settledAt = -1;

  constructor(
    private readonly s: SessionSettings,
    private readonly election: LeaderElection,
    readonly term: Term,
    private readonly hooks: SessionHooks,
  ) {
    this.mirror = new Mirror({
      store: s.store,
      keyspace: s.keyspace,
      clock: s.clock,
      onChange: (section) => this.changed(section),
      onError: hooks.onError,
    });
  }

  async open(): Promise<void> {
    await this.mirror.start();
    if (this.closed) return;
    this.ready = true;
    this.kick("start", 0);
    this.armInterval();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.debounce?.cancel();
    this.interval?.cancel();
    await this.mirror.stop(); // releases a pass waiting for its echo
    await this.running?.catch(() => undefined); // no write may land after close()
    this.wakeIdle();
  }

  /** Resolves when no pass is running or due (a pass already scheduled runs first). */
  idle(): Promise<void> {
    if (this.closed || !this.ready || (!this.running && !this.dirty)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Our own writes (schedule, unschedulable) echo back through the watch: not a reason to decide again. */
  private changed(section: Section): void {
    if (section === "machines" || section === "metadata" || section === "units") this.kick("change", this.s.debounceMs);
  }

  private kick(trigger: Trigger, delayMs: number): void {
    if (this.closed || !this.ready) return;
    this.dirty ??= trigger;
    if (this.debounce || this.running) return;
    this.debounce = this.s.clock.setTimer(delayMs, () => {
      this.debounce = undefined;
      this.running = this.loop().finally(() => {
        this.running = undefined;
        if (this.dirty) this.kick(this.dirty, this.spacingMs());
        else this.wakeIdle();
      });
    });
  }

  /**
   * Pause before the next pass when changes keep arriving: at least the debounce, and at
   * least twice the CPU the last pass spent deciding and planning (capped at 1 s). A
   * stream of submissions then costs the leader at most about a third of a core instead
   * of back-to-back passes that starve the API it shares a process with.
   */
  private spacingMs(): number {
    return Math.min(1000, Math.max(this.s.debounceMs, 2 * this.lastCpuMs));
  }

  private armInterval(): void {
    this.interval = this.s.clock.setTimer(this.s.reconcileIntervalMs, () => {
      this.kick("interval", 0);
      if (!this.closed) this.armInterval();
    });
  }

  /** One pass; changes that arrive meanwhile schedule the next one (see spacingMs). */
  private async loop(): Promise<void> {
    if (!this.dirty || this.closed) return;
    const trigger = this.dirty;
    this.dirty = undefined;
    try {
      await this.pass(trigger);
    } catch (error) {
      this.hooks.onError("reconcile", error); // the interval retries
    }
  }

  private async pass(trigger: Trigger): Promise<void> {
    if (this.mirror.version === this.settledAt) return; // idle reconcile: nothing changed
    const clock = this.s.clock;
    const t0 = clock.now();
    const version = this.mirror.version;
    const inputs = this.mirror.inputsVersion;
    const decision = decide(this.mirror.snapshot());
    const decideMs = clock.now() - t0;
    const facts = new Map<string, UnitFacts>();
    for (const [name, u] of this.mirror.units) facts.set(name, { record: u.record, global: u.sched.kind === "valid" && u.sched.rules.global });
    const plan = planWrites(decision, facts, this.mirror, this.s.keyspace);
    if (plan.deletes.length + plan.puts.length === 0) this.settledAt = version;
    this.lastCpuMs = clock.now() - t0;
    const w = await this.write([plan.deletes, plan.puts], inputs, plan);
    if (w.outcome === "fenced") return;
    if (w.outcome === "interrupted") this.dirty ??= trigger;
    this.hooks.onPass({ trigger, decideMs, totalMs: clock.now() - t0, ...w.counts, unschedulable: decision.unschedulable.size, interrupted: w.outcome === "interrupted" });
  }

  /**
   * Writes the plan's phases in order (removals complete before additions), each in
   * chunks of maxOpsPerPass, every chunk echoed back before the next. Stops early when
   * machines, metadata or units changed meanwhile, since the rest of the plan may be
   * stale; the pass that follows decides again.
   */
  private async write(
    phases: readonly (readonly TxnOp[])[],
    inputs: number,
    plan: { readonly placements: number; readonly removals: number },
  ): Promise<{ outcome: "done" | "interrupted" | "fenced"; counts: WriteCounts }> {
    const counts = { placements: 0, removals: 0, ops: 0, txns: 0 };
    const ks = this.s.keyspace;
    const sectionOf = (op: TxnOp) => (op.type !== "deletePrefix" && op.key.startsWith(ks.schedule) ? "schedule" : "unschedulable");
    // Chunks of maxOpsPerPass over the phases in order; within a chunk, writeFenced
    // finishes one phase before the next (no echo wait in between, as before buckets).
    const [removals, additions] = phases as [readonly TxnOp[], readonly TxnOp[]];
    const all = [...removals, ...additions];
    for (let i = 0; i < all.length; i += this.s.maxOpsPerPass) {
      if (this.closed || (i > 0 && this.mirror.inputsVersion !== inputs)) return { outcome: "interrupted", counts };
      const end = Math.min(all.length, i + this.s.maxOpsPerPass);
      const cut = Math.min(Math.max(removals.length, i), end);
      const chunkPhases = [all.slice(i, cut), all.slice(cut, end)];
      const out = await writeFenced(this.s.store, this.election.fence(this.term), chunkPhases, { batchOps: this.s.batchOps, concurrency: this.s.writeConcurrency }, sectionOf);
      counts.txns += out.txns;
      if (out.kind === "fenced") {
        this.election.lost(this.term, "a fenced write was refused: another engine leads");
        return { outcome: "fenced", counts };
      }
      counts.ops += end - i;
      await this.catchUp(out.revisions as ReadonlyMap<Section, number>);
    }
    // Counted once the whole plan is in: an interrupted pass reports what it completed
    // in ops and txns only, and the next pass counts the assignments it completes.
    counts.placements = plan.placements;
    counts.removals = plan.removals;
    return { outcome: "done", counts };
  }

  private async catchUp(revisions: ReadonlyMap<Section, number>): Promise<void> {
    for (const [section, revision] of revisions) {
      let timer: TimerHandle | undefined;
      const timedOut = await Promise.race([
        this.mirror.caughtUp(section, revision).then(() => false),
        new Promise<boolean>((resolve) => (timer = this.s.clock.setTimer(this.s.catchUpTimeoutMs, () => resolve(true)))),
      ]);
      timer?.cancel();
      if (timedOut && !this.closed) {
        this.hooks.onError("catch-up", new Error(`the ${section} watch did not show revision ${revision} within ${this.s.catchUpTimeoutMs} ms; re-reading it`));
        await this.mirror.resync(section);
      }
    }
  }

  private wakeIdle(): void {
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
