// Leader-only writes: ops in transactions of at most `batchOps` (etcd's --max-txn-ops
// defaults to 128) and about 1 MiB, each guarded by the leader's fence, a few in flight at once. Deletes
// all land before any put. Puts and deletes of whole values are idempotent, so a
// transaction the etcd client retried after a timeout does no harm. A store error stops
// the remaining batches and is thrown: the next reconcile recomputes what is missing.
import type { Compare, Store, TxnOp } from "../store";

export interface WriteLimits {
  /** Ops per transaction (1..128). */
  readonly batchOps: number;
  /** Transactions in flight at once. */
  readonly concurrency: number;
}

export type WriteOutcome =
  /** Every op applied; `revisions`: per section, the newest revision that touched it. */
  | { readonly kind: "written"; readonly txns: number; readonly revisions: ReadonlyMap<string, number> }
  /** A fence compare failed: this engine is no longer the leader; later batches were not sent. */
  | { readonly kind: "fenced"; readonly txns: number };

/**
 * Bytes of keys and values per transaction: etcd refuses requests over
 * --max-request-bytes (1.5 MiB by default); bucket records can be tens of KiB each.
 */
export const MAX_TXN_BYTES = 1024 * 1024;

/** Consecutive runs of at most `maxOps` ops and (unless one op alone is larger) `maxBytes`. */
export function batchesOf(ops: readonly TxnOp[], maxOps: number, maxBytes: number): TxnOp[][] {
  const out: TxnOp[][] = [];
  let cur: TxnOp[] = [];
  let bytes = 0;
  for (const op of ops) {
    const size = op.type === "put" ? op.key.length + op.value.length : op.type === "delete" ? op.key.length : op.prefix.length;
    if (cur.length > 0 && (cur.length >= maxOps || bytes + size > maxBytes)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(op);
    bytes += size;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

export async function writeFenced(
  store: Store,
  fence: readonly Compare[],
  phases: readonly (readonly TxnOp[])[],
  limits: WriteLimits,
  sectionOf: (op: TxnOp) => string,
): Promise<WriteOutcome> {
  const revisions = new Map<string, number>();
  let txns = 0;
  let fenced = false;
  for (const ops of phases) {
    const batches = batchesOf(ops, limits.batchOps, MAX_TXN_BYTES);
    let next = 0;
    let failure: { error: unknown } | undefined;
    const worker = async () => {
      while (!fenced && !failure && next < batches.length) {
        const batch = batches[next++]!;
        try {
          const r = await store.txn(fence, batch);
          txns++;
          if (!r.succeeded) fenced = true;
          else for (const op of batch) revisions.set(sectionOf(op), Math.max(revisions.get(sectionOf(op)) ?? 0, r.revision));
        } catch (error) {
          failure ??= { error }; // stop the other workers too; the caller retries the whole plan
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(limits.concurrency, batches.length) }, worker));
    if (failure) throw failure.error;
    if (fenced) return { kind: "fenced", txns };
  }
  return { kind: "written", txns, revisions };
}
