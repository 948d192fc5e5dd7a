// Watches of one prefix within a process share one backend watch. A server watches
// units/ and schedule/ twice while it leads (the assignment hub and the engine's
// mirror); with etcd every watcher gets its own copy of each event, decoded from
// protobuf separately — on a 2,000-unit deployment that was the largest single cost
// of the leading server.
//
// Sharing is exact, not best effort: a subscriber asking for events from revision F
// joins an open backend watch only if that watch has delivered nothing at or after F
// (its `next` revision owed is ≤ F); it then sees every later event of revision ≥ F,
// which is precisely what a watch of its own from F would deliver. Otherwise a new
// backend watch is opened. `next` is tracked from delivered events only, so it can lag
// the backend's own (progress notices move that), which at worst opens an extra watch.
//
// The Watch contract holds per subscriber: one revision per onEvents call, in order;
// onError once, after which nothing is delivered; cancel() idempotent. The backend
// watch is cancelled with its last subscriber.
import type { Watch, WatchEvent, WatchHandlers, StoreError } from "./types";

export type WatchOpener = (prefix: string, fromRevision: number, handlers: WatchHandlers) => Promise<Watch>;

interface Subscriber {
  readonly from: number;
  readonly handlers: WatchHandlers;
}

interface Upstream {
  readonly prefix: string;
  /** The next revision this watch owes: everything below it has been delivered. */
  next: number;
  ended: boolean;
  readonly subs: Set<Subscriber>;
  readonly ready: Promise<Watch>;
}

/** As an EventEmitter would: a handler's throw is a bug, re-raised outside our loop. */
function rethrowLater(e: unknown): void {
  setImmediate(() => {
    throw e;
  });
}

export class WatchSharer {
  private readonly open = new Map<string, Upstream[]>();
  /** Backend watches opened so far (for tests and metrics). */
  opened = 0;

  constructor(
    private readonly openBackend: WatchOpener,
    /** Where a throwing handler's error goes; it must not starve the other subscribers. */
    private readonly handlerError: (e: unknown) => void = rethrowLater,
  ) {}

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.handlerError(e);
    }
  }

  async watch(prefix: string, fromRevision: number, handlers: WatchHandlers): Promise<Watch> {
    const sub: Subscriber = { from: fromRevision, handlers };
    const list = this.open.get(prefix) ?? [];
    let up = list.find((u) => !u.ended && u.next <= fromRevision);
    if (up) up.subs.add(sub);
    else up = this.start(prefix, fromRevision, sub);
    const u = up;
    try {
      await u.ready;
    } catch (err) {
      u.subs.delete(sub);
      throw err;
    }
    let cancelled = false;
    return {
      cancel: async () => {
        if (cancelled) return;
        cancelled = true;
        if (!u.subs.delete(sub) || u.subs.size > 0 || u.ended) return;
        this.retire(u);
        await (await u.ready).cancel();
      },
    };
  }

  private start(prefix: string, from: number, first: Subscriber): Upstream {
    const u: Upstream = {
      prefix,
      next: from,
      ended: false,
      subs: new Set([first]),
      ready: undefined as unknown as Promise<Watch>,
    };
    (u as { ready: Promise<Watch> }).ready = this.openBackend(prefix, from, {
      onEvents: (events) => this.deliver(u, events),
      onError: (err) => this.fail(u, err),
    });
    u.ready.catch(() => this.retire(u));
    const list = this.open.get(prefix) ?? [];
    list.push(u);
    this.open.set(prefix, list);
    this.opened++;
    return u;
  }

  private deliver(u: Upstream, events: readonly WatchEvent[]): void {
    if (u.ended || events.length === 0) return;
    const rev = events[0]!.kv.modRevision;
    u.next = Math.max(u.next, rev + 1);
    for (const s of [...u.subs]) if (rev >= s.from && u.subs.has(s)) this.safely(() => s.handlers.onEvents(events));
  }

  private fail(u: Upstream, err: StoreError): void {
    if (u.ended) return;
    this.retire(u);
    const subs = [...u.subs];
    u.subs.clear();
    for (const s of subs) this.safely(() => s.handlers.onError(err));
  }

  private retire(u: Upstream): void {
    u.ended = true;
    const list = (this.open.get(u.prefix) ?? []).filter((x) => x !== u);
    if (list.length > 0) this.open.set(u.prefix, list);
    else this.open.delete(u.prefix);
  }
}
