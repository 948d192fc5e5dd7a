// Watch delivery for the embedded store. Every delivery reads from the history, live or
// replayed, so a watcher only holds "the next revision I owe you" and can never skip or
// repeat one. Handlers run from a macrotask of their own, never inside a Store call.
import { StoreError, type WatchEvent, type WatchHandlers } from "../types";
import type { History } from "./history";

interface Watcher {
  readonly prefix: string;
  readonly handlers: WatchHandlers;
  next: number;
}

export class WatchHub {
  private readonly watchers = new Set<Watcher>();
  private scheduled = false;

  constructor(
    private readonly history: History,
    /** Newest revision that may be shown (durable on disk). */
    private readonly visible: () => number,
  ) {}

  get size(): number {
    return this.watchers.size;
  }

  add(prefix: string, fromRevision: number, handlers: WatchHandlers): () => void {
    const w: Watcher = { prefix, handlers, next: fromRevision };
    this.watchers.add(w);
    this.schedule();
    return () => void this.watchers.delete(w);
  }

  /** Asks for a delivery round soon (coalesced). */
  schedule(): void {
    if (this.scheduled || this.watchers.size === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /** Ends every watch with `err` (the store failed). */
  failAll(err: StoreError): void {
    const all = [...this.watchers];
    this.watchers.clear();
    for (const w of all) call(() => w.handlers.onError(err));
  }

  /** Drops every watch without calling any handler (close). */
  clear(): void {
    this.watchers.clear();
  }

  private pump(): void {
    const upTo = this.visible();
    for (const w of [...this.watchers]) {
      if (w.next < this.history.oldest) {
        this.watchers.delete(w);
        const oldest = this.history.oldest;
        call(() =>
          w.handlers.onError(
            new StoreError("compacted", `watch from revision ${w.next}: history starts at revision ${oldest}`, oldest),
          ),
        );
        continue;
      }
      for (; w.next <= upTo && this.watchers.has(w); w.next++) {
        const events = this.history.at(w.next);
        if (!events) break;
        const mine = w.prefix === "" ? events : events.filter((e: WatchEvent) => e.kv.key.startsWith(w.prefix));
        if (mine.length > 0) call(() => w.handlers.onEvents(mine));
      }
    }
  }
}

// A throwing handler is the caller's bug: surface it like an EventEmitter listener's
// error would be, without breaking delivery to the other watchers.
function call(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    setImmediate(() => {
      throw err;
    });
  }
}
