// Argument checks shared by both backends, run before any I/O so a bad call fails the
// same way (`invalid`, naming the argument, the value and what is accepted) on etcd and
// on the embedded store, and changes nothing.
import { isWellFormed } from "./keys";
import { StoreError, type Compare, type CompareOp, type CompareTarget, type TxnOp } from "./types";

export const LIMITS = {
  /** Key plus value, in UTF-8 bytes. etcd refuses requests above 1.5 MiB. */
  maxEntryBytes: 1024 * 1024,
  /** Per transaction branch and for the compares (etcd's --max-txn-ops default). */
  maxTxnOps: 128,
  /** etcd's MaxLeaseTTL. */
  maxLeaseTtlSeconds: 9_000_000_000,
} as const;

const TARGETS: readonly CompareTarget[] = ["createRevision", "modRevision", "version", "value", "lease"];
const OPS: readonly CompareOp[] = ["==", "!=", "<", ">"];
const LEASE_ID = /^[1-9][0-9]{0,18}$/;
const MAX_INT64 = 9223372036854775807n;

function invalid(message: string): StoreError {
  return new StoreError("invalid", message);
}

/** A value for a message: JSON, cut to a readable length. */
export function show(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? "undefined" : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function checkString(value: unknown, what: string, allowEmpty: boolean): asserts value is string {
  if (typeof value !== "string") throw invalid(`${what} must be a string, got ${show(value)}`);
  if (!allowEmpty && value === "") throw invalid(`${what} must not be empty`);
  if (!isWellFormed(value)) throw invalid(`${what} ${show(value)} holds a lone UTF-16 surrogate; only well-formed Unicode is accepted`);
}

export function checkKey(key: unknown, what = "key"): asserts key is string {
  checkString(key, what, false);
}

export function checkPrefix(prefix: unknown): asserts prefix is string {
  checkString(prefix, "prefix", true);
}

export function checkEntry(key: unknown, value: unknown, what = "put"): void {
  checkKey(key, `${what} key`);
  checkString(value, `${what} value of ${show(key)}`, true);
  const bytes = Buffer.byteLength(key) + Buffer.byteLength(value);
  if (bytes > LIMITS.maxEntryBytes) {
    throw invalid(`${what} of ${show(key)} is ${bytes} bytes (key + value); at most ${LIMITS.maxEntryBytes} accepted`);
  }
}

export function checkLeaseId(id: unknown, what = "lease"): asserts id is string {
  if (typeof id !== "string" || !LEASE_ID.test(id) || BigInt(id) > MAX_INT64) {
    throw invalid(`${what} ${show(id)} is not a lease id; expected the decimal string grantLease returned`);
  }
}

export function checkTtl(ttl: unknown): asserts ttl is number {
  if (typeof ttl !== "number" || !Number.isInteger(ttl) || ttl < 1 || ttl > LIMITS.maxLeaseTtlSeconds) {
    throw invalid(`lease TTL ${show(ttl)} is not accepted; expected whole seconds from 1 to ${LIMITS.maxLeaseTtlSeconds}`);
  }
}

export function checkRevision(rev: unknown, what: string): asserts rev is number {
  if (typeof rev !== "number" || !Number.isSafeInteger(rev) || rev < 1) {
    throw invalid(`${what} ${show(rev)} is not accepted; expected an integer >= 1`);
  }
}

/** Normalises a lease compare operand: a LeaseId, or 0 / "0" for "no lease". */
export function leaseOperand(value: unknown, what: string): string {
  if (value === 0 || value === "0") return "0";
  checkLeaseId(value, what);
  return value;
}

function checkCompare(c: Compare, i: number): void {
  const what = `compare[${i}]`;
  if (typeof c !== "object" || c === null) throw invalid(`${what} must be an object, got ${show(c)}`);
  checkKey(c.key, `${what}.key`);
  if (!TARGETS.includes(c.target)) throw invalid(`${what}.target ${show(c.target)} is not one of ${TARGETS.join(", ")}`);
  if (!OPS.includes(c.op)) throw invalid(`${what}.op ${show(c.op)} is not one of ${OPS.join(" ")}`);
  switch (c.target) {
    case "value":
      checkString(c.value, `${what}.value`, true);
      return;
    case "lease":
      leaseOperand(c.value, `${what}.value`);
      return;
    case "createRevision":
    case "modRevision":
    case "version":
      if (typeof c.value !== "number" || !Number.isSafeInteger(c.value) || c.value < 0) {
        throw invalid(`${what}.value ${show(c.value)} is not accepted for ${c.target}; expected an integer >= 0`);
      }
      return;
    default: {
      const _never: never = c.target;
      throw invalid(`${what}.target ${show(_never)} is unknown`);
    }
  }
}

/**
 * One branch of a transaction: known op types, valid keys and values, no key put twice,
 * no key both put and deleted (etcd refuses both with "duplicate key given in txn").
 */
function checkBranch(ops: readonly TxnOp[], branch: string): void {
  if (!Array.isArray(ops as unknown)) throw invalid(`${branch} must be an array of ops, got ${show(ops)}`);
  if (ops.length > LIMITS.maxTxnOps) throw invalid(`${branch} has ${ops.length} ops; at most ${LIMITS.maxTxnOps} accepted`);
  const puts = new Set<string>();
  const deletes: { key: string; prefix: boolean }[] = [];
  ops.forEach((op, i) => {
    const what = `${branch}[${i}]`;
    if (typeof op !== "object" || op === null) throw invalid(`${what} must be an op object, got ${show(op)}`);
    switch (op.type) {
      case "put":
        checkEntry(op.key, op.value, `${what} put`);
        if (op.lease !== undefined) checkLeaseId(op.lease, `${what}.lease`);
        if (puts.has(op.key)) throw invalid(`${what} puts ${show(op.key)} a second time; a branch may put a key once`);
        puts.add(op.key);
        return;
      case "delete":
        checkKey(op.key, `${what}.key`);
        deletes.push({ key: op.key, prefix: false });
        return;
      case "deletePrefix":
        checkPrefix(op.prefix);
        deletes.push({ key: op.prefix, prefix: true });
        return;
      default: {
        const bad: never = op;
        throw invalid(`${what}.type ${show((bad as { type?: unknown }).type)} is not one of put, delete, deletePrefix`);
      }
    }
  });
  for (const key of puts) {
    const hit = deletes.find((d) => (d.prefix ? key.startsWith(d.key) : key === d.key));
    if (hit) throw invalid(`${branch} both puts and deletes ${show(key)}; a branch may not do both`);
  }
}

export function checkTxn(compares: readonly Compare[], success: readonly TxnOp[], failure: readonly TxnOp[]): void {
  if (!Array.isArray(compares as unknown)) throw invalid(`compares must be an array, got ${show(compares)}`);
  if (compares.length > LIMITS.maxTxnOps) {
    throw invalid(`txn has ${compares.length} compares; at most ${LIMITS.maxTxnOps} accepted`);
  }
  compares.forEach(checkCompare);
  checkBranch(success, "success");
  checkBranch(failure, "failure");
}
