// An executor's own start/stop record (types.ts, ExecutorEvent): a bounded in-memory ring,
// optionally appended to a JSONL file. The file write is synchronous on purpose: a
// "started" line must be on disk before the process it announces is spawned, so a
// machine killed right after the spawn still leaves the start behind.
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Clock } from "../clock";
import type { ExecutorEvent } from "./types";

/** CLOCK_MONOTONIC in ms; one clock for all processes of a Linux host. */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export interface EventRecordOptions {
  /** Entries kept in memory; the oldest go first. Default 10,000. */
  readonly capacity?: number;
  /** JSONL file to append every entry to. */
  readonly file?: string;
  readonly clock: Pick<Clock, "now">;
  readonly monotonic?: () => number;
}

export class EventRecord {
  private readonly ring: ExecutorEvent[] = [];
  private head = 0;
  private readonly capacity: number;

  constructor(private readonly opts: EventRecordOptions) {
    this.capacity = Math.max(1, opts.capacity ?? 10_000);
    if (opts.file) mkdirSync(dirname(opts.file), { recursive: true });
  }

  /** The time of an event about to happen, to record it once it has (see "started"). */
  stamp(): { readonly at: number; readonly mono: number } {
    return { at: Math.round(this.opts.clock.now()), mono: this.opts.monotonic?.() ?? monotonicMs() };
  }

  record(e: Omit<ExecutorEvent, "at" | "mono">, stamp = this.stamp()): ExecutorEvent {
    const entry: ExecutorEvent = { ...stamp, ...e };
    if (this.ring.length < this.capacity) this.ring.push(entry);
    else {
      this.ring[this.head] = entry;
      this.head = (this.head + 1) % this.capacity;
    }
    if (this.opts.file) appendFileSync(this.opts.file, `${JSON.stringify(entry)}\n`);
    return entry;
  }

  list(): readonly ExecutorEvent[] {
    return [...this.ring.slice(this.head), ...this.ring.slice(0, this.head)];
  }
}
