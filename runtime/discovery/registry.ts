// The discovery service's protocol core: etcd v2 reads, writes and long-polls over the
// tokens' trees, and Hafen's own records (server announcements and sealed blobs, whose
// operations are in hafen-ops.ts). No I/O: the clock and the token generator
// are injected, writes return the record to persist, and woken long-polls come back as
// data (`fired`) for the shell to answer once the record is on disk.
//
// Every state change goes through state.ts's applyRecord(), live and on replay. Each
// token has its own index (etcd's X-Etcd-Index): 1 at creation, +1 per member write or
// delete, never lower after a restart because every record carries the index it made.
import { errorBody, problem, statusOf, type Problem } from "./errors";
import { deleteSealed, deleteServer, getSealed, listServers, putSealed, putServer, type Step } from "./hafen-ops";
import type { DiscoveryRequest, EtcdPath } from "./request";
import type { HistoryEvent, LogRecord } from "./records";
import { MAX_SEALED_PER_TOKEN } from "./sealed";
import { applyRecord, liveSealed, liveServers, snapshotOf, type TokenState } from "./state";
import { dirNode, configNode, sizeNode, memberNode, eventResponse, eventMatches, dirKey, configKey, sizeKey, memberKey } from "./tree";

export interface Clock {
  /** Wall-clock milliseconds since the epoch. */
  now(): number;
}

export interface RegistryOptions {
  readonly clock: Clock;
  /** Returns a fresh token (32 lowercase hex); the shell passes a CSPRNG. */
  readonly newToken: () => string;
  /** The URL handed out for a new token, e.g. `http://127.0.0.1:7482/<token>`. */
  readonly tokenUrl: (token: string) => string;
  /** Events kept per token for late long-polls (etcd keeps 1000). */
  readonly historyLimit?: number;
  /** How long a long-poll waits before it is answered with an empty 200. */
  readonly pollTimeoutMs?: number;
  /** Waiting long-polls across all tokens. */
  readonly maxWatchers?: number;
  readonly maxTokens?: number;
  readonly maxServersPerToken?: number;
  /** Sealed records per token (default 16). */
  readonly maxSealedPerToken?: number;
}

/** Registrations a token accepts: extra members beyond `size` are normal (etcd takes
 * the `size` earliest), but an unbounded number is not. */
export const memberLimit = (size: number): number => Math.max(8, 4 * size);
const watcherLimit = (size: number): number => 2 * memberLimit(size);

export type Reply =
  | { readonly kind: "json"; readonly status: number; readonly index?: number; readonly body: unknown }
  | { readonly kind: "text"; readonly status: number; readonly body: string }
  /** JSON text sent exactly as stored (a sealed blob), not re-serialised. */
  | { readonly kind: "blob"; readonly status: 200; readonly body: string }
  /** A long-poll that saw no event in time; etcd's client simply asks again. */
  | { readonly kind: "empty"; readonly status: 200; readonly index: number };

export interface Fired<T> {
  readonly ctx: T;
  readonly reply: Reply;
}

export type Outcome<T> =
  | { readonly kind: "done"; readonly reply: Reply; readonly record?: LogRecord; readonly fired: readonly Fired<T>[] }
  | { readonly kind: "waiting"; readonly watcherId: number };

interface Watcher<T> {
  readonly token: TokenState;
  readonly key: string;
  readonly recursive: boolean;
  readonly waitIndex: number;
  readonly deadline: number;
  readonly ctx: T;
}

export class Registry<T> {
  private readonly tokens = new Map<string, TokenState>();
  private readonly watchers = new Map<number, Watcher<T>>();
  private nextWatcherId = 1;
  private readonly historyLimit: number;
  private readonly pollTimeoutMs: number;
  private readonly maxWatchers: number;
  private readonly maxTokens: number;
  private readonly maxServers: number;
  private readonly maxSealed: number;

  constructor(private readonly opts: RegistryOptions) {
    this.historyLimit = opts.historyLimit ?? 1000;
    this.pollTimeoutMs = opts.pollTimeoutMs ?? 60_000;
    this.maxWatchers = opts.maxWatchers ?? 10_000;
    this.maxTokens = opts.maxTokens ?? 100_000;
    this.maxServers = opts.maxServersPerToken ?? 64;
    this.maxSealed = opts.maxSealedPerToken ?? MAX_SEALED_PER_TOKEN;
  }

  /** Executes a parsed request. `ctx` identifies the caller if it has to wait. */
  execute(req: Exclude<DiscoveryRequest, { kind: "health" }>, ctx: T): Outcome<T> {
    if (req.kind === "new") return this.createToken(req.size);
    const t = this.tokens.get(req.token);
    if (!t) return done(this.error(problem(100, `/${req.token}`), undefined));
    switch (req.kind) {
      case "get":
        return done(this.get(t, req.path, req.recursive, req.sorted));
      case "watch":
        return this.watch(t, req.path, req.recursive, req.waitIndex, ctx);
      case "put":
        return this.put(t, req.id, req.value, req.prevExist);
      case "delete":
        return this.remove(t, req.id);
      case "server-put":
        return this.commit(t, putServer(t, req.id, req.info, req.ttlSeconds, this.opts.clock.now(), this.maxServers));
      case "server-list":
        return this.commit(t, listServers(t, this.opts.clock.now()));
      case "server-delete":
        return this.commit(t, deleteServer(t, req.id, this.opts.clock.now()));
      case "sealed-put":
        return this.commit(t, putSealed(t, req.name, req.blob, req.ttlSeconds, this.opts.clock.now(), this.maxSealed));
      case "sealed-get":
        return this.commit(t, getSealed(t, req.name, this.opts.clock.now()));
      case "sealed-delete":
        return this.commit(t, deleteSealed(t, req.name, this.opts.clock.now()));
      default: {
        const _never: never = req;
        return _never;
      }
    }
  }

  /** The error reply for `p`, carrying the token's index when the token is known. */
  errorReply(p: Problem, token: string | undefined): Reply {
    return this.error(p, token === undefined ? undefined : this.tokens.get(token));
  }

  /** etcd puts the index in the body and in X-Etcd-Index; unknown tokens have none (0). */
  private error(p: Problem, t: TokenState | undefined): Reply {
    const body = errorBody(p, t?.index ?? 0);
    return t ? { kind: "json", status: statusOf(p.code), index: t.index, body } : { kind: "json", status: statusOf(p.code), body };
  }

  private createToken(size: number): Outcome<T> {
    if (this.tokens.size >= this.maxTokens)
      return done(this.error(problem(1001, `this service holds ${this.tokens.size} tokens, its limit`), undefined));
    let token = this.opts.newToken();
    for (let i = 0; this.tokens.has(token) && i < 8; i++) token = this.opts.newToken();
    if (this.tokens.has(token)) return done(this.error(problem(300, "could not draw an unused token"), undefined));
    const record: LogRecord = { t: "token", token, size, index: 1 };
    this.applyRecord(record);
    return done({ kind: "text", status: 200, body: this.opts.tokenUrl(token) }, record);
  }

  private get(t: TokenState, path: EtcdPath, recursive: boolean, sorted: boolean): Reply {
    const ok = (node: unknown): Reply => ({ kind: "json", status: 200, index: t.index, body: { action: "get", node } });
    switch (path.kind) {
      case "dir":
        return ok(dirNode(t, recursive, sorted));
      case "config":
        return ok(configNode(t, true));
      case "size":
        return ok(sizeNode(t));
      case "member": {
        const m = t.members.get(path.id);
        return m ? ok(memberNode(t.token, m)) : this.error(problem(100, memberKey(t.token, path.id)), t);
      }
      default: {
        const _never: never = path;
        return _never;
      }
    }
  }

  private watch(t: TokenState, path: EtcdPath, recursive: boolean, requested: number, ctx: T): Outcome<T> {
    const key = keyOf(t.token, path);
    const waitIndex = requested === 0 ? t.index + 1 : requested;
    if (waitIndex <= t.index) {
      if (waitIndex <= t.clearedThrough)
        return done(this.error(problem(401, `the requested history has been cleared [${t.clearedThrough + 1}/${waitIndex}]`), t));
      const ev = t.history.find((e) => e.modifiedIndex >= waitIndex && eventMatches(e, key, recursive));
      if (ev) return done({ kind: "json", status: 200, index: t.index, body: eventResponse(ev) });
    }
    if (this.watchers.size >= this.maxWatchers || t.watchers.size >= watcherLimit(t.size))
      return done(this.error(problem(1003, "too many long-polls are waiting; retry later"), t));
    const id = this.nextWatcherId++;
    this.watchers.set(id, { token: t, key, recursive, waitIndex, deadline: this.opts.clock.now() + this.pollTimeoutMs, ctx });
    t.watchers.add(id);
    return { kind: "waiting", watcherId: id };
  }

  private put(t: TokenState, id: string, value: string, prevExist: boolean | undefined): Outcome<T> {
    const existing = t.members.get(id);
    if (prevExist === false && existing) return done(this.error(problem(105, memberKey(t.token, id)), t));
    if (prevExist === true && !existing) return done(this.error(problem(100, memberKey(t.token, id)), t));
    if (!existing && t.members.size >= memberLimit(t.size))
      return done(this.error(problem(1001, `token has ${t.members.size} registrations, the most a size-${t.size} token accepts`), t));
    const action = prevExist === false ? "create" : prevExist === true ? "update" : "set";
    const record: LogRecord = { t: "set", token: t.token, id, value, index: t.index + 1, action };
    const { event, fired } = this.applyRecord(record);
    return { kind: "done", reply: { kind: "json", status: existing ? 200 : 201, index: t.index, body: eventResponse(event!) }, record, fired };
  }

  private remove(t: TokenState, id: string): Outcome<T> {
    if (!t.members.has(id)) return done(this.error(problem(100, memberKey(t.token, id)), t));
    const record: LogRecord = { t: "delete", token: t.token, id, index: t.index + 1 };
    const { event, fired } = this.applyRecord(record);
    return { kind: "done", reply: { kind: "json", status: 200, index: t.index, body: eventResponse(event!) }, record, fired };
  }

  /** Applies the record of an operation on Hafen's own records (they wake no long-poll). */
  private commit(t: TokenState, step: Step): Outcome<T> {
    if (!step.ok) return done(this.error(step.problem, t));
    if (step.record) this.applyRecord(step.record);
    return done(step.reply, step.record);
  }

  /** Drops a waiting long-poll whose client went away. */
  cancel(watcherId: number): void {
    const w = this.watchers.get(watcherId);
    if (!w) return;
    this.watchers.delete(watcherId);
    w.token.watchers.delete(watcherId);
  }

  /** Answers long-polls whose time is up (all of them with `all`, e.g. at shutdown). */
  sweep(all = false): Fired<T>[] {
    const now = this.opts.clock.now();
    const fired: Fired<T>[] = [];
    for (const [id, w] of this.watchers) {
      if (!all && w.deadline > now) continue;
      this.cancel(id);
      fired.push({ ctx: w.ctx, reply: { kind: "empty", status: 200, index: w.token.index } });
    }
    return fired;
  }

  get waiting(): number {
    return this.watchers.size;
  }

  /** Rebuilds state from a persisted record. Returns a warning for a record that does
   * not fit the state (which only a damaged or hand-edited log can produce). */
  replay(record: LogRecord): string | undefined {
    return this.applyRecord(record).warning;
  }

  private applyRecord(r: LogRecord): { event?: HistoryEvent; fired: Fired<T>[]; warning?: string } {
    const applied = applyRecord(this.tokens, r, this.historyLimit);
    const fired = applied.token && applied.event ? this.wake(applied.token, applied.event) : [];
    return { event: applied.event, fired, warning: applied.warning };
  }

  /** Answers (and removes) the token's long-polls that `ev` satisfies. */
  private wake(t: TokenState, ev: HistoryEvent): Fired<T>[] {
    const fired: Fired<T>[] = [];
    for (const id of [...t.watchers]) {
      const w = this.watchers.get(id)!;
      if (ev.modifiedIndex < w.waitIndex || !eventMatches(ev, w.key, w.recursive)) continue;
      this.cancel(id);
      fired.push({ ctx: w.ctx, reply: { kind: "json", status: 200, index: t.index, body: eventResponse(ev) } });
    }
    return fired;
  }

  /** The whole state as records (one snapshot per token), for log compaction. */
  snapshot(): LogRecord[] {
    const now = this.opts.clock.now();
    return [...this.tokens.values()].map((t) => snapshotOf(t, now));
  }

  /** A plain, deterministic view of all state (tests compare it before and after). */
  dump(): unknown {
    const now = this.opts.clock.now();
    return [...this.tokens.values()]
      .sort((a, b) => (a.token < b.token ? -1 : 1))
      .map((t) => {
        const live = { servers: liveServers(t, now), sealed: liveSealed(t, now) };
        return { token: t.token, size: t.size, index: t.index, members: [...t.members.values()], ...live, history: t.history.length };
      });
  }

  get tokenCount(): number {
    return this.tokens.size;
  }
}

function done<T>(reply: Reply, record?: LogRecord): Outcome<T> {
  return record ? { kind: "done", reply, record, fired: [] } : { kind: "done", reply, fired: [] };
}

function keyOf(token: string, path: EtcdPath): string {
  switch (path.kind) {
    case "dir":
      return dirKey(token);
    case "config":
      return configKey(token);
    case "size":
      return sizeKey(token);
    case "member":
      return memberKey(token, path.id);
    default: {
      const _never: never = path;
      return _never;
    }
  }
}
