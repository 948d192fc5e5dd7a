// Translation between the store contract and etcd v3's wire types (as the `etcd3`
// client's generated RPC layer spells them). etcd sends int64s as decimal strings;
// revisions fit in a double for the next few million years of writes.
import { CompareResult, CompareTarget as EtcdTarget, type ICompare, type IKeyValue, type IRequestOp } from "etcd3";
import { prefixRange } from "./keys";
import type { Compare, CompareOp, CompareTarget, KeyValue, TxnOp } from "./types";
import { leaseOperand } from "./validate";

export function toKeyValue(kv: IKeyValue): KeyValue {
  const out = {
    key: kv.key.toString("utf8"),
    value: kv.value.toString("utf8"),
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
    version: Number(kv.version),
  };
  return kv.lease && kv.lease !== "0" ? { ...out, lease: kv.lease } : out;
}

const RESULT: Record<CompareOp, CompareResult> = {
  "==": CompareResult.Equal,
  "!=": CompareResult.NotEqual,
  "<": CompareResult.Less,
  ">": CompareResult.Greater,
};

function target(t: CompareTarget, value: number | string): Partial<ICompare> {
  switch (t) {
    case "createRevision":
      return { target: EtcdTarget.Create, create_revision: Number(value) };
    case "modRevision":
      return { target: EtcdTarget.Mod, mod_revision: Number(value) };
    case "version":
      return { target: EtcdTarget.Version, version: Number(value) };
    case "value":
      return { target: EtcdTarget.Value, value: Buffer.from(String(value), "utf8") };
    case "lease":
      return { target: EtcdTarget.Lease, lease: leaseOperand(value, "compare value") };
    default: {
      const _never: never = t;
      throw new Error(`unknown compare target ${String(_never)}`);
    }
  }
}

export function toCompare(c: Compare): ICompare {
  return { key: Buffer.from(c.key, "utf8"), result: RESULT[c.op], ...target(c.target, c.value) };
}

export function toRequestOp(op: TxnOp): IRequestOp {
  switch (op.type) {
    case "put":
      return {
        request_put: {
          key: Buffer.from(op.key, "utf8"),
          value: Buffer.from(op.value, "utf8"),
          ...(op.lease === undefined ? {} : { lease: op.lease }),
        },
      };
    case "delete":
      return { request_delete_range: { key: Buffer.from(op.key, "utf8") } };
    case "deletePrefix": {
      const { key, rangeEnd } = prefixRange(op.prefix);
      return { request_delete_range: { key, range_end: rangeEnd } };
    }
    default: {
      const _never: never = op;
      throw new Error(`unknown txn op ${JSON.stringify(_never)}`);
    }
  }
}
