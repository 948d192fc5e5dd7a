// The embedded store's keyspace: a pure, synchronous state machine with etcd v3's
// revision model. It knows nothing of time, files or leases' deadlines — the store feeds
// it one revision's changes at a time, live or replayed from the write-ahead log.
import { compareKeys } from "../keys";
import type { Compare, CompareOp, KeyValue, LeaseId, TxnOp, WatchEvent } from "../types";

/** What one revision did to one key; the write-ahead log stores these. */
export type Change =
  | { readonly type: "put"; readonly key: string; readonly value: string; readonly lease?: LeaseId }
  | { readonly type: "delete"; readonly key: string };

/** Up to this many pending changes are applied one by one rather than by a full pass. */
const FEW = 32;

export class Keyspace {
  private rev = 0;
  private readonly kvs = new Map<string, KeyValue>();
  /**
   * Every live key, ascending by `compareKeys`, once settle() has run. Writes do not
   * keep it sorted (an insert into a sorted array moves half of it: O(keys) per new key,
   * the top cost of a 10,000-unit deployment); they note new keys in `added` and deleted
   * ones in `removed`, and the next range merges them in: O(keys + new·log new) once per
   * read that follows writes, never more than the per-insert splice it replaces.
   */
  private order: string[] = [];
  /** Live keys not yet in `order`. */
  private readonly added = new Set<string>();
  /** Keys still in `order` that are no longer live. */
  private readonly removed = new Set<string>();
  private readonly attached = new Map<LeaseId, Set<string>>();

  get revision(): number {
    return this.rev;
  }

  get size(): number {
    return this.kvs.size;
  }

  get(key: string): KeyValue | undefined {
    return this.kvs.get(key);
  }

  /** Every key starting with `prefix`, ascending. */
  range(prefix: string): KeyValue[] {
    this.settle();
    const out: KeyValue[] = [];
    for (let i = this.lowerBound(prefix); i < this.order.length; i++) {
      const key = this.order[i]!;
      if (!key.startsWith(prefix)) break;
      out.push(this.kvs.get(key)!);
    }
    return out;
  }

  /** Keys attached to a lease, ascending (the order etcd deletes them in). */
  keysOf(lease: LeaseId): string[] {
    return [...(this.attached.get(lease) ?? [])].sort(compareKeys);
  }

  /** etcd's compare rules; see Compare in ../types.ts. */
  compare(c: Compare): boolean {
    const kv = this.kvs.get(c.key);
    switch (c.target) {
      case "value":
        // etcd's applyCompare fails a value compare on a missing key, whatever the op.
        return kv !== undefined && holds(compareKeys(kv.value, String(c.value)), c.op);
      case "createRevision":
        return holds((kv?.createRevision ?? 0) - Number(c.value), c.op);
      case "modRevision":
        return holds((kv?.modRevision ?? 0) - Number(c.value), c.op);
      case "version":
        return holds((kv?.version ?? 0) - Number(c.value), c.op);
      case "lease": {
        const mine = BigInt(kv?.lease ?? "0");
        const theirs = BigInt(c.value);
        return holds(mine === theirs ? 0 : mine < theirs ? -1 : 1, c.op);
      }
      default: {
        const _never: never = c.target;
        return _never;
      }
    }
  }

  /**
   * The changes `ops` make when applied in order to the current state: deletes of keys
   * that do not exist vanish (etcd does not bump the revision for them); a prefix delete
   * expands to its keys, ascending.
   */
  plan(ops: readonly TxnOp[]): Change[] {
    const changes: Change[] = [];
    const gone = new Set<string>();
    const del = (key: string) => {
      if (!gone.has(key) && this.kvs.has(key)) changes.push({ type: "delete", key });
      gone.add(key);
    };
    for (const op of ops) {
      switch (op.type) {
        case "put":
          changes.push(op.lease === undefined ? { type: "put", key: op.key, value: op.value } : { ...op });
          break;
        case "delete":
          del(op.key);
          break;
        case "deletePrefix":
          for (const kv of this.range(op.prefix)) del(kv.key);
          break;
        default: {
          const _never: never = op;
          throw new Error(`unknown op ${JSON.stringify(_never)}`);
        }
      }
    }
    return changes;
  }

  /** Applies one revision's changes (at least one) and returns its watch events. */
  apply(rev: number, changes: readonly Change[]): WatchEvent[] {
    if (rev !== this.rev + 1) throw new Error(`keyspace at revision ${this.rev} cannot apply revision ${rev}`);
    if (changes.length === 0) throw new Error(`revision ${rev} has no changes`);
    this.rev = rev;
    return changes.map((ch) => (ch.type === "put" ? this.put(rev, ch) : this.remove(rev, ch.key)));
  }

  /** Replaces the whole state (snapshot restore). */
  load(rev: number, kvs: readonly KeyValue[]): void {
    this.rev = rev;
    this.kvs.clear();
    this.attached.clear();
    this.order = [];
    this.added.clear();
    this.removed.clear();
    for (const kv of kvs) {
      this.store(kv);
      this.order.push(kv.key);
    }
    this.order.sort(compareKeys);
  }

  entries(): IterableIterator<KeyValue> {
    return this.kvs.values();
  }

  private put(rev: number, ch: Extract<Change, { type: "put" }>): WatchEvent {
    const old = this.kvs.get(ch.key);
    const kv: KeyValue = {
      key: ch.key,
      value: ch.value,
      createRevision: old ? old.createRevision : rev,
      modRevision: rev,
      version: old ? old.version + 1 : 1,
      ...(ch.lease === undefined ? {} : { lease: ch.lease }),
    };
    if (old) this.detach(old);
    else if (!this.removed.delete(ch.key)) this.added.add(ch.key);
    this.store(kv);
    return { type: "put", kv };
  }

  private remove(rev: number, key: string): WatchEvent {
    const old = this.kvs.get(key);
    if (!old) throw new Error(`revision ${rev} deletes missing key ${JSON.stringify(key)}`);
    this.detach(old);
    this.kvs.delete(key);
    if (!this.added.delete(key)) this.removed.add(key);
    return { type: "delete", kv: { key, value: "", createRevision: 0, modRevision: rev, version: 0 } };
  }

  private store(kv: KeyValue): void {
    this.kvs.set(kv.key, kv);
    if (kv.lease !== undefined) {
      let keys = this.attached.get(kv.lease);
      if (!keys) this.attached.set(kv.lease, (keys = new Set()));
      keys.add(kv.key);
    }
  }

  private detach(kv: KeyValue): void {
    if (kv.lease === undefined) return;
    const keys = this.attached.get(kv.lease);
    keys?.delete(kv.key);
    if (keys?.size === 0) this.attached.delete(kv.lease);
  }

  /** Brings `order` up to date with the writes since the last read (see `order`). */
  private settle(): void {
    // A few changes: binary search + splice each (a memmove, no key comparisons along
    // the way); many: one filter or merge pass over every key.
    if (this.removed.size > 0) {
      if (this.removed.size <= FEW) for (const k of this.removed) this.order.splice(this.lowerBound(k), 1);
      else this.order = this.order.filter((k) => !this.removed.has(k));
      this.removed.clear();
    }
    if (this.added.size === 0) return;
    if (this.added.size <= FEW) {
      for (const k of this.added) this.order.splice(this.lowerBound(k), 0, k);
      this.added.clear();
      return;
    }
    const fresh = [...this.added].sort(compareKeys);
    this.added.clear();
    const merged = new Array<string>(this.order.length + fresh.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < this.order.length && j < fresh.length) merged[k++] = compareKeys(this.order[i]!, fresh[j]!) <= 0 ? this.order[i++]! : fresh[j++]!;
    while (i < this.order.length) merged[k++] = this.order[i++]!;
    while (j < fresh.length) merged[k++] = fresh[j++]!;
    this.order = merged;
  }

  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(this.order[mid]!, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function holds(cmp: number, op: CompareOp): boolean {
  switch (op) {
    case "==":
      return cmp === 0;
    case "!=":
      return cmp !== 0;
    case "<":
      return cmp < 0;
    case ">":
      return cmp > 0;
    default: {
      const _never: never = op;
      return _never;
    }
  }
}
