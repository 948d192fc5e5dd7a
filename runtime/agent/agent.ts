// The agent: one per machine. Registers the machine through a server, keeps its lease
// alive with heartbeats, long-polls its own assignments, makes the executor match them
// and reports unit states. It never talks to the store.
//
// At most one copy: the store's lease expires no earlier than `ttl` after the last
// renewal the agent *sent*. The agent fences itself — stops every lease-bound
// (non-global) unit — once `ttl - fenceMarginMs` has passed since that send without a
// renewal confirmed, so its units are down before the engine may move them.
import type { Executor, UnitStatus } from "../executor/types";
import type { Clock, Timer } from "../clock";

import { plan, type DesiredUnit, type Task } from "./reconcile";
import { AgentApi, LeaseLostError, type RegisterInfo } from "./api";

/** How long executor changes gather before a state report is sent. */
const REPORT_DEBOUNCE_MS = 2;
/** Longest stretch of reconcile work between yields to I/O and timers. */
const YIELD_EVERY_MS = 50;

export interface AgentOptions {
  readonly info: RegisterInfo;
  readonly api: AgentApi;
  readonly executor: Executor;
  readonly clock: Clock;
  /** Requested machine lease TTL (the server may grant another). */
  readonly leaseTtlSeconds: number;
  /** Safety margin before lease expiry at which units are stopped (default: 30% of TTL, ≥ 500 ms). */
  readonly fenceMarginMs?: number;
  /** Periodic full reconcile even without changes (default 10 s). */
  readonly reconcileIntervalMs?: number;
  /** Long-poll hold time asked of the server (default 25 s). */
  readonly pollWaitMs?: number;
  /** Pause after a changed answer before polling again, to coalesce bursts (default 10 ms). */
  readonly pollSpacingMs?: number;
  readonly log: (line: string) => void;
}

export interface AgentStatus {
  readonly registered: boolean;
  readonly fenced: boolean;
  readonly desired: number;
  readonly lastRenewSentAt?: number;
}

export class Agent {
  private stopped = false;
  private registered = false;
  private fenced = true; // nothing lease-bound runs until a lease is confirmed
  private ttlMs: number;
  private lastRenewSentAt = 0;
  private desired: DesiredUnit[] = [];
  private revision = -1;
  private readonly launched = new Map<string, string>();
  private reconcileQueued = false;
  private reconciling: Promise<void> = Promise.resolve();
  private reportTimer: Timer | undefined;
  private fenceTimer: Timer | undefined;
  private periodicTimer: Timer | undefined;
  private unsubscribe: (() => void) | undefined;
  private loops: Promise<void>[] = [];
  private readonly wake = new Set<() => void>();
  /** What the servers were last told, so periodic reports of nothing new are skipped. */
  private lastReport = { text: "", at: 0 };
  private reporting: Promise<void> | undefined;
  private reportAgain = false;

  constructor(private readonly opts: AgentOptions) {
    this.ttlMs = opts.leaseTtlSeconds * 1000;
  }

  status(): AgentStatus {
    return { registered: this.registered, fenced: this.fenced, desired: this.desired.length, lastRenewSentAt: this.lastRenewSentAt || undefined };
  }

  async start(): Promise<void> {
    this.unsubscribe = this.opts.executor.onChange(() => this.scheduleReport());
    this.loops = [this.heartbeatLoop(), this.assignmentLoop()];
    this.schedulePeriodic();
  }

  private get fenceAfterMs(): number {
    const margin = this.opts.fenceMarginMs ?? Math.max(500, this.ttlMs * 0.3);
    return Math.max(100, this.ttlMs - margin);
  }

  /**
   * Registers until it succeeds (or the agent stops). Backoff doubles from 100 ms to at
   * most 1 s, with jitter: at first boot the servers appear in discovery only once the
   * store has formed, and a long backoff would add seconds to every cluster's formation.
   */
  private async register(): Promise<void> {
    let delay = 100;
    for (let attempt = 1; !this.stopped; attempt++) {
      const sentAt = this.opts.clock.now();
      try {
        const r = await this.opts.api.register(this.opts.info);
        this.ttlMs = r.leaseTtlSeconds * 1000;
        this.renewed(sentAt);
        this.registered = true;
        this.lastReport = { text: "", at: 0 }; // a new lease carries no states yet
        this.opts.log(`registered machine ${this.opts.info.id} (lease TTL ${r.leaseTtlSeconds} s)`);
        this.scheduleReport();
        return;
      } catch (err) {
        if (attempt === 1 || attempt % 10 === 0) this.opts.log(`register failed (attempt ${attempt}): ${(err as Error).message}`);
        await this.pause(delay * (0.8 + Math.random() * 0.4));
        delay = Math.min(delay * 2, 1000);
      }
    }
  }

  private renewed(sentAt: number): void {
    this.lastRenewSentAt = Math.max(this.lastRenewSentAt, sentAt);
    this.armFence();
    if (this.fenced) {
      this.fenced = false;
      this.opts.log("lease confirmed: lease-bound units may run");
      this.queueReconcile();
    }
  }

  /** (Re)arms the fence timer for `fenceAfterMs` after the last confirmed renewal's send. */
  private armFence(): void {
    this.fenceTimer?.cancel();
    const due = this.lastRenewSentAt + this.fenceAfterMs - this.opts.clock.now();
    this.fenceTimer = this.opts.clock.setTimeout(() => this.fenceIfOverdue(), Math.max(0, due));
  }

  /**
   * The fence timer fired. After a blocked event loop, timers run before pending I/O is
   * read, so a renewal answer may already be waiting: let I/O run once (setImmediate
   * follows the poll phase), then fence only if the last confirmed renewal is still
   * overdue. The delay is one loop turn; the decision uses the newest facts.
   */
  private fenceIfOverdue(): void {
    const fired = this.opts.clock.now();
    setImmediate(() => {
      if (this.fenced || this.stopped) return;
      const overdue = this.opts.clock.now() - (this.lastRenewSentAt + this.fenceAfterMs);
      // Not due (a renewal landed meanwhile, or the timer fired a little early by our
      // clock): arm again for what is left. Returning without a timer would never fence.
      if (overdue < 0) return this.armFence();
      const late = fired - (this.lastRenewSentAt + this.fenceAfterMs);
      this.fence(`no lease renewal confirmed in time (last renewal sent ${Math.round(this.opts.clock.now() - this.lastRenewSentAt)} ms ago; the check ran ${Math.round(late)} ms late)`);
    });
  }

  private fence(why: string): void {
    if (this.fenced || this.stopped) return;
    this.fenced = true;
    this.opts.log(`fencing: ${why}; stopping lease-bound units`);
    this.queueReconcile();
  }

  private async heartbeatLoop(): Promise<void> {
    await this.register();
    let failing = false;
    while (!this.stopped) {
      // Renew four times per TTL; after a failure retry quickly (another server, or the
      // same one restarting) so one lost request does not cost a quarter of the lease.
      await this.pause(failing ? Math.min(250, this.ttlMs / 8) : Math.max(50, this.ttlMs / 4));
      if (this.stopped) return;
      const sentAt = this.opts.clock.now();
      try {
        await this.opts.api.heartbeat(Math.max(200, this.ttlMs / 4));
        this.renewed(sentAt);
        failing = false;
      } catch (err) {
        failing = true;
        if (err instanceof LeaseLostError) {
          this.fence("the servers report the lease expired");
          this.registered = false;
          await this.reconciling;
          await this.register();
        } else {
          this.opts.log(`heartbeat failed: ${(err as Error).message}`);
          this.opts.api.rotate();
        }
      }
    }
  }

  private async assignmentLoop(): Promise<void> {
    let delay = 250;
    while (!this.stopped) {
      if (!this.registered) {
        await this.pause(100);
        continue;
      }
      try {
        const r = await this.opts.api.assignments(this.revision, this.revision < 0 ? 0 : (this.opts.pollWaitMs ?? 25_000));
        delay = 250;
        if (r.revision !== this.revision || this.revision < 0) {
          this.revision = r.revision;
          this.desired = r.units;
          this.queueReconcile();
          // A deployment changes a machine's assignments in a burst of transactions;
          // polling again a moment later takes the rest of the burst in one answer
          // instead of one answer (and one reconcile and report) per transaction.
          await this.pause(this.opts.pollSpacingMs ?? 10);
        }
      } catch (err) {
        if (this.stopped) return;
        if (err instanceof LeaseLostError) {
          await this.pause(100);
          continue;
        }
        this.opts.log(`assignments poll failed: ${(err as Error).message}`);
        this.opts.api.rotate();
        await this.pause(delay * (0.8 + Math.random() * 0.4));
        delay = Math.min(delay * 2, 1000);
      }
    }
  }

  /** Coalesces reconcile requests: at most one running and one queued. */
  queueReconcile(): void {
    if (this.reconcileQueued || this.stopped) return;
    this.reconcileQueued = true;
    this.reconciling = this.reconciling.then(async () => {
      this.reconcileQueued = false;
      await this.reconcileOnce().catch((err: Error) => this.opts.log(`reconcile failed: ${err.message}`));
    });
  }

  private async reconcileOnce(): Promise<void> {
    const actual = await this.opts.executor.list();
    const tasks = plan({ desired: this.desired, actual, launched: this.launched, fenced: this.fenced });
    let since = performance.now();
    for (const task of tasks) {
      if (this.stopped) return;
      await this.apply(task);
      // A start's spawn() blocks the thread until the child has exec'd, and the 'spawn'
      // event follows on nextTick: hundreds of starts in a row would hold the event loop
      // for seconds, and a heartbeat answer sitting unread meanwhile would look like a
      // lost lease. Yield to I/O and timers every few milliseconds of work.
      if (performance.now() - since >= YIELD_EVERY_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        since = performance.now();
      }
    }
    if (tasks.length > 0) this.scheduleReport();
  }

  private async apply(task: Task): Promise<void> {
    const ex = this.opts.executor;
    try {
      switch (task.kind) {
        case "stop":
          this.launched.delete(task.unit);
          await ex.stop(task.unit);
          return;
        case "unload":
          this.launched.delete(task.unit);
          await ex.unload(task.unit);
          return;
        case "load":
          await ex.load(task.spec);
          return;
        case "start": {
          const d = this.desired.find((u) => u.name === task.unit);
          if (!d || (this.fenced && !d.global)) return;
          this.launched.set(task.unit, d.hash);
          await ex.start(task.unit);
          return;
        }
        default: {
          const never: never = task;
          throw new Error(`unknown task ${JSON.stringify(never)}`);
        }
      }
    } catch (err) {
      this.opts.log(`${task.kind} ${task.unit} (${task.reason}) failed: ${(err as Error).message}`);
    }
  }

  private schedulePeriodic(): void {
    this.periodicTimer = this.opts.clock.setTimeout(() => {
      this.queueReconcile();
      this.scheduleReport();
      if (!this.stopped) this.schedulePeriodic();
    }, this.opts.reconcileIntervalMs ?? 10_000);
  }

  /**
   * State reports are debounced briefly (REPORT_DEBOUNCE_MS): the changes of one
   * reconcile become one request. At most one is in flight — concurrent ones could land
   * out of order (an older state last) and, during a burst, each held all states at once
   * (agent memory); changes meanwhile are sent in one report when it returns, which is
   * what coalesces a long burst.
   */
  private scheduleReport(): void {
    if (this.reportTimer || this.stopped) return;
    this.reportTimer = this.opts.clock.setTimeout(() => {
      this.reportTimer = undefined;
      if (this.reporting) {
        this.reportAgain = true;
        return;
      }
      this.reporting = this.report().finally(() => {
        this.reporting = undefined;
        if (this.reportAgain) {
          this.reportAgain = false;
          this.scheduleReport();
        }
      });
    }, REPORT_DEBOUNCE_MS);
  }

  private async report(): Promise<void> {
    if (!this.registered) return;
    let statuses: readonly UnitStatus[];
    try {
      statuses = await this.opts.executor.list();
      // Unchanged states are not sent again (they live on the lease until it ends),
      // except once a minute as a safety net.
      const text = JSON.stringify([...statuses].sort((a, b) => (a.name < b.name ? -1 : 1)));
      const now = this.opts.clock.now();
      if (text === this.lastReport.text && now - this.lastReport.at < 60_000) return;
      await this.opts.api.reportStates(statuses);
      this.lastReport = { text, at: now };
    } catch (err) {
      if (err instanceof LeaseLostError) return; // the heartbeat loop re-registers
      this.opts.log(`state report failed: ${(err as Error).message}`);
      this.opts.clock.setTimeout(() => this.scheduleReport(), 1000);
    }
  }

  /** A sleep that `stop()` cuts short. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.wake.delete(done);
        t.cancel();
        resolve();
      };
      const t = this.opts.clock.setTimeout(done, ms);
      this.wake.add(done);
    });
  }

  /** Stops the loops; units keep running unless `stopUnits` (a clean machine shutdown). */
  async stop(stopUnits = false): Promise<void> {
    this.stopped = true;
    for (const w of [...this.wake]) w();
    this.fenceTimer?.cancel();
    this.reportTimer?.cancel();
    this.periodicTimer?.cancel();
    this.unsubscribe?.();
    this.opts.api.abort();
    await Promise.allSettled(this.loops);
    await this.reconciling;
    if (stopUnits) await this.opts.executor.close();
  }
}

