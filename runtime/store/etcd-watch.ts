// A store watch on top of the etcd3 client's Watcher, fixing what the contract needs:
// - the client resumes a reconnected watch from the last *header* revision + 1, which
//   can be past events etcd has not sent yet (a replay of old history arrives in batches
//   while the header already says "now"); we resume from the last *delivered* revision;
// - a watch etcd cancels (compacted start revision) emits 'error' and dies silently
//   without a listener; we always listen, and since the client drops the compact
//   revision from the message we ask etcd again with a one-off probe stream;
// - events are handed over one revision per call.
import type { Etcd3, IEvent, IWatchResponse, Watcher } from "etcd3";
import { toKeyValue } from "./etcd-convert";
import { toStoreError } from "./etcd-errors";
import { prefixRange } from "./keys";
import { StoreError, type Watch, type WatchEvent, type WatchHandlers } from "./types";

export interface WatchContext {
  readonly client: Etcd3;
  readonly timeoutMs: number;
  /** Called once the watch has ended for good, whatever the reason. */
  readonly onEnd: (w: Watch) => void;
}

function toEvent(e: IEvent): WatchEvent {
  if (e.type === "Put") return { type: "put", kv: toKeyValue(e.kv) };
  return { type: "delete", kv: { key: e.kv.key.toString("utf8"), value: "", createRevision: 0, modRevision: Number(e.kv.mod_revision), version: 0 } };
}

/** Splits a response's events into runs of one revision each, in order. */
export function byRevision(events: readonly IEvent[]): { rev: number; events: WatchEvent[] }[] {
  const out: { rev: number; events: WatchEvent[] }[] = [];
  for (const e of events) {
    const rev = Number(e.kv.mod_revision);
    const last = out[out.length - 1];
    if (last && last.rev === rev) last.events.push(toEvent(e));
    else out.push({ rev, events: [toEvent(e)] });
  }
  return out;
}

function rethrowLater(err: unknown): void {
  setImmediate(() => {
    throw err;
  });
}

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => resolve(onTimeout()), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e)),
    );
  });
}

/** Asks etcd for the compact revision that cancelled a watch from `from` (0 if none). */
async function probeCompactRevision(ctx: WatchContext, key: Buffer, rangeEnd: Buffer, from: number): Promise<number> {
  const stream = await ctx.client.watchClient.watch();
  const answer = new Promise<number>((resolve) => {
    // etcd first confirms the watch, then cancels it once it finds the start revision
    // compacted; events mean it was not.
    stream.on("data", (res: IWatchResponse) => {
      if (Number(res.compact_revision ?? 0) > 0 || res.canceled || res.events.length > 0) resolve(Number(res.compact_revision ?? 0));
    });
    stream.on("error", () => resolve(0));
    stream.on("end", () => resolve(0));
  });
  stream.write({ create_request: { key, range_end: rangeEnd, start_revision: from } });
  const rev = await withTimeout(answer, ctx.timeoutMs, () => 0);
  stream.end();
  stream.cancel();
  return rev;
}

/** Handlers are the caller's code: a throw is re-raised outside our event handling. */
function safely(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    rethrowLater(e);
  }
}

class EtcdWatch implements Watch {
  /** The next revision owed to the caller: where a reconnect must resume. */
  private next: number;
  private ended = false;
  private readonly range: { key: Buffer; rangeEnd: Buffer };
  readonly watcher: Watcher;

  constructor(
    private readonly ctx: WatchContext,
    private readonly prefix: string,
    from: number,
    private readonly handlers: WatchHandlers,
  ) {
    this.next = from;
    this.range = prefixRange(prefix);
    const { key, rangeEnd } = this.range;
    this.watcher = ctx.client.watch().inRange({ start: key, end: rangeEnd }).startRevision(String(from)).watcher();
    this.watcher.on("data", (res: IWatchResponse) => this.onData(res));
    // Runs after the client's own 'connected' listener, undoing its jump to header + 1.
    this.watcher.on("connected", () => (this.watcher.request.start_revision = String(this.next)));
  }

  async cancel(): Promise<void> {
    if (!this.end()) return;
    await withTimeout(this.watcher.cancel(), this.ctx.timeoutMs, () => undefined).catch(() => undefined);
  }

  /** Resolves once etcd confirmed the watch, or once etcd cancelled it (reported later). */
  async ready(): Promise<void> {
    const cancelled = new Promise<unknown>((resolve) => this.watcher.on("error", resolve));
    void cancelled.then((err) => this.onCancelled(err));
    const connected = new Promise<"connected">((r) => this.watcher.once("connected", () => r("connected")));
    const outcome = await withTimeout(Promise.race([connected, cancelled.then(() => "cancelled" as const)]), this.ctx.timeoutMs, () => "timeout" as const);
    if (outcome === "timeout") {
      void this.cancel();
      throw new StoreError("unavailable", `watch ${JSON.stringify(this.prefix)}: etcd did not accept the watch within ${this.ctx.timeoutMs} ms`);
    }
  }

  private onData(res: IWatchResponse): void {
    for (const group of byRevision(res.events)) {
      if (this.ended) return;
      safely(() => this.handlers.onEvents(group.events));
      this.next = group.rev + 1;
    }
    // An empty response is a progress notice, sent only to a watcher that is caught up.
    if (res.events.length === 0) this.next = Math.max(this.next, Number(res.header.revision) + 1);
    this.watcher.request.start_revision = String(this.next);
  }

  /** etcd cancelled the watch; cancelling it again would wait for a reply never sent. */
  private async onCancelled(err: unknown): Promise<void> {
    const what = `watch ${JSON.stringify(this.prefix)}`;
    const compact = await probeCompactRevision(this.ctx, this.range.key, this.range.rangeEnd, this.next).catch(() => 0);
    const reason =
      compact > 0
        ? new StoreError("compacted", `${what} from revision ${this.next}: etcd compacted history up to revision ${compact}`, compact)
        : toStoreError(err, what);
    // A macrotask later, so the error never arrives before watch() has resolved.
    setImmediate(() => {
      if (this.end()) safely(() => this.handlers.onError(reason));
    });
  }

  /** Marks the watch ended; false when it already was. */
  private end(): boolean {
    if (this.ended) return false;
    this.ended = true;
    this.ctx.onEnd(this);
    return true;
  }
}

export async function openWatch(ctx: WatchContext, prefix: string, from: number, handlers: WatchHandlers): Promise<Watch> {
  const w = new EtcdWatch(ctx, prefix, from, handlers);
  await w.ready();
  return w;
}
