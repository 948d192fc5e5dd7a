// The bounded event history that watches replay from. Every revision has at least one
// event (a revision exists only because something changed), so revision r sits at index
// r - first and lookups need no search.
import type { WatchEvent } from "../types";

export class History {
  private events: (readonly WatchEvent[])[] = [];
  private head = 0;
  /** Revision of events[head]; also the oldest watchable revision. */
  private first: number;

  /**
   * @param maxRevisions how many revisions to keep; older ones are dropped.
   * @param nextRevision the revision the next `append` will carry.
   */
  constructor(
    private readonly maxRevisions: number,
    nextRevision: number,
  ) {
    this.first = nextRevision;
  }

  /** The oldest revision a watch may start from. */
  get oldest(): number {
    return this.first;
  }

  /** One past the newest revision held. */
  get end(): number {
    return this.first + this.events.length - this.head;
  }

  append(rev: number, events: readonly WatchEvent[]): void {
    if (rev !== this.end) throw new Error(`history expects revision ${this.end}, got ${rev}`);
    this.events.push(events);
    if (this.end - this.first > this.maxRevisions) this.dropBefore(this.end - this.maxRevisions);
  }

  /** Events of `rev`, or undefined when it is outside the history. */
  at(rev: number): readonly WatchEvent[] | undefined {
    if (rev < this.first || rev >= this.end) return undefined;
    return this.events[this.head + rev - this.first];
  }

  /** Forgets every revision below `rev` (etcd's compaction). */
  compact(rev: number): void {
    if (rev > this.first) this.dropBefore(Math.min(rev, this.end));
  }

  private dropBefore(rev: number): void {
    this.head += rev - this.first;
    this.first = rev;
    // Reclaim the dropped slots once they outnumber the live ones.
    if (this.head > 1024 && this.head > this.events.length / 2) {
      this.events = this.events.slice(this.head);
      this.head = 0;
    }
  }
}
