// A token's state and the one function that changes it: applyRecord(), used both for
// live writes (the registry builds a record, applies it, and logs it) and for replay
// after a restart, so the state rebuilt from disk is the state that was acknowledged.
// Pure: no clock (expiry times are inside the records), no I/O.
import type { HistoryEvent, LogRecord, MemberNode, ServerEntry } from "./records";
import type { SealedEntry } from "./sealed";
import { memberKey, sizeKey } from "./tree";

export interface TokenState {
  readonly token: string;
  readonly size: number;
  readonly createdIndex: number;
  /** etcd's X-Etcd-Index for this token: the index of its latest event. */
  index: number;
  /** Highest index whose event was dropped from `history` (0: none dropped). */
  clearedThrough: number;
  readonly members: Map<string, MemberNode>;
  /** Recent events, oldest first, at most the registry's history limit. */
  readonly history: HistoryEvent[];
  readonly servers: Map<string, ServerEntry>;
  /** Sealed blobs by name; like servers, outside the etcd tree and its index. */
  readonly sealed: Map<string, SealedEntry>;
  /** Ids of the long-polls waiting on this token (owned by the registry). */
  readonly watchers: Set<number>;
}

export interface Applied {
  readonly token?: TokenState;
  /** The etcd event the record produced (server and sealed records produce none). */
  readonly event?: HistoryEvent;
  /** Set for a record that does not fit the state (only a damaged log has those). */
  readonly warning?: string;
}

export function applyRecord(tokens: Map<string, TokenState>, r: LogRecord, historyLimit: number): Applied {
  if (r.t === "token" || r.t === "snapshot") return applyTokenRecord(tokens, r, historyLimit);
  const t = tokens.get(r.token);
  if (!t) return { warning: `record for unknown token ${r.token.slice(0, 8)}… skipped` };
  switch (r.t) {
    case "set": {
      const prev = t.members.get(r.id);
      const node: MemberNode = { id: r.id, value: r.value, createdIndex: prev?.createdIndex ?? r.index, modifiedIndex: r.index };
      t.members.set(r.id, node);
      const p = prev && { value: prev.value, createdIndex: prev.createdIndex, modifiedIndex: prev.modifiedIndex };
      const ev: HistoryEvent = { action: r.action, key: memberKey(t.token, r.id), value: r.value, createdIndex: node.createdIndex, modifiedIndex: r.index, ...(p ? { prev: p } : {}) };
      return { token: t, event: addEvent(t, ev, historyLimit) };
    }
    case "delete": {
      const prev = t.members.get(r.id);
      if (!prev) return { warning: `delete of unknown member ${r.id} skipped` };
      t.members.delete(r.id);
      const p = { value: prev.value, createdIndex: prev.createdIndex, modifiedIndex: prev.modifiedIndex };
      return { token: t, event: addEvent(t, { action: "delete", key: memberKey(t.token, r.id), createdIndex: prev.createdIndex, modifiedIndex: r.index, prev: p }, historyLimit) };
    }
    case "server":
      t.servers.set(r.id, { id: r.id, endpoint: r.endpoint, meta: r.meta, expiresAt: r.expiresAt });
      return { token: t };
    case "server-delete":
      t.servers.delete(r.id);
      return { token: t };
    case "sealed":
      t.sealed.set(r.name, { name: r.name, blob: r.blob, expiresAt: r.expiresAt });
      return { token: t };
    case "sealed-delete":
      t.sealed.delete(r.name);
      return { token: t };
    default: {
      const _never: never = r;
      return _never;
    }
  }
}

function applyTokenRecord(tokens: Map<string, TokenState>, r: Extract<LogRecord, { t: "token" | "snapshot" }>, historyLimit: number): Applied {
  const old = tokens.get(r.token);
  if (old && r.t === "token") return { warning: `token ${r.token.slice(0, 8)}… created twice; second skipped` };
  const snap = r.t === "snapshot" ? r : undefined;
  const t: TokenState = {
    token: r.token,
    size: r.size,
    createdIndex: snap ? snap.createdIndex : r.index,
    index: Math.max(r.index, old?.index ?? 0),
    clearedThrough: snap?.clearedThrough ?? 0,
    members: new Map((snap?.members ?? []).map((m) => [m.id, m])),
    history: [...(snap?.history ?? [])],
    servers: new Map((snap?.servers ?? []).map((s) => [s.id, s])),
    sealed: new Map((snap?.sealed ?? []).map((s) => [s.name, s])),
    watchers: old?.watchers ?? new Set(),
  };
  tokens.set(r.token, t);
  if (snap) return { token: t };
  // Making a token sets `_config/size`, as on discovery.etcd.io: the token's first event.
  return { token: t, event: addEvent(t, { action: "set", key: sizeKey(r.token), value: String(r.size), createdIndex: r.index, modifiedIndex: r.index }, historyLimit) };
}

function addEvent(t: TokenState, ev: HistoryEvent, historyLimit: number): HistoryEvent {
  t.index = Math.max(t.index, ev.modifiedIndex);
  t.history.push(ev);
  while (t.history.length > historyLimit) t.clearedThrough = t.history.shift()!.modifiedIndex;
  return ev;
}

/** The token's servers whose TTL has not run out at `now`; drops the others. */
export function liveServers(t: TokenState, now: number): ServerEntry[] {
  for (const [id, s] of t.servers) if (s.expiresAt <= now) t.servers.delete(id);
  return [...t.servers.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The token's sealed records whose TTL has not run out at `now`; drops the others, so
 * an expired blob is neither served nor written into the next snapshot. */
export function liveSealed(t: TokenState, now: number): SealedEntry[] {
  for (const [name, s] of t.sealed) if (s.expiresAt <= now) t.sealed.delete(name);
  return [...t.sealed.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** The token as one record, for log compaction (expired records are left out). */
export function snapshotOf(t: TokenState, now: number): LogRecord {
  return {
    t: "snapshot",
    token: t.token,
    size: t.size,
    createdIndex: t.createdIndex,
    index: t.index,
    clearedThrough: t.clearedThrough,
    members: [...t.members.values()],
    history: [...t.history],
    servers: liveServers(t, now),
    sealed: liveSealed(t, now),
  };
}
