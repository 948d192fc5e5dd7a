// Time for the embedded store, injected so lease expiry can be tested by advancing a
// clock instead of sleeping. Only lease deadlines read it.
import { performance } from "node:perf_hooks";

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds on a monotonic scale (wall-clock jumps must not expire leases). */
  now(): number;
  /** Calls `fn` once, `ms` from now. The timer never keeps the process alive. */
  setTimer(ms: number, fn: () => void): TimerHandle;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};

interface ManualTimer {
  readonly due: number;
  readonly seq: number;
  readonly fn: () => void;
}

/**
 * A clock that moves only when told. `advance` fires due timers in deadline order, each
 * seeing `now()` equal to its own deadline, including timers set while advancing.
 */
export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private timers = new Set<ManualTimer>();

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const timer: ManualTimer = { due: this.time + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.add(timer);
    return { cancel: () => void this.timers.delete(timer) };
  }

  /** Moves time forward by `ms`, firing every timer that falls due (at most 100,000). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`ManualClock.advance: ${ms} is not a duration >= 0`);
    const target = this.time + ms;
    for (let fired = 0; ; fired++) {
      if (fired >= 100_000) throw new Error("ManualClock.advance: more than 100000 timers fired; a timer re-arms itself at 0 ms?");
      const next = this.earliest(target);
      if (!next) break;
      this.timers.delete(next);
      this.time = next.due;
      next.fn();
    }
    this.time = target;
  }

  /** Timers still waiting (for tests that check nothing is left behind). */
  get pendingTimers(): number {
    return this.timers.size;
  }

  private earliest(limit: number): ManualTimer | undefined {
    let best: ManualTimer | undefined;
    for (const t of this.timers) {
      if (t.due > limit) continue;
      if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    }
    return best;
  }
}
