// Contract: bad arguments are refused with `invalid` (naming what was wrong) and change
// nothing; a closed store refuses everything and leaves nothing hanging.
import { LIMITS } from "../../../runtime/store/validate";
import type { Store, TxnOp } from "../../../runtime/store/types";
import { recorder, rejection, type StoreHarness } from "./contract-helpers";

type Call = [string, (s: Store) => Promise<unknown>, RegExp];

const manyOps: TxnOp[] = Array.from({ length: LIMITS.maxTxnOps + 1 }, (_, i) => ({ type: "put", key: `k${i}`, value: "" }));
const noop = { onEvents: () => undefined, onError: () => undefined };

const BAD: Call[] = [
  ["get empty key", (s) => s.get(""), /key must not be empty/],
  ["get non-string", (s) => s.get(42 as unknown as string), /key must be a string, got 42/],
  ["put empty key", (s) => s.put("", "v"), /key must not be empty/],
  ["put lone surrogate", (s) => s.put("bad\uD800", "v"), /lone UTF-16 surrogate/],
  ["put non-string value", (s) => s.put("k", null as unknown as string), /value of "k" must be a string, got null/],
  ["put oversize", (s) => s.put("big", "x".repeat(LIMITS.maxEntryBytes)), /1048579 bytes .*at most 1048576/],
  ["put malformed lease", (s) => s.put("k", "v", { lease: "abc" }), /lease "abc" is not a lease id/],
  ["delete empty key", (s) => s.delete(""), /key must not be empty/],
  ["range non-string", (s) => s.range(undefined as unknown as string), /prefix must be a string/],
  ["grant negative TTL", (s) => s.grantLease(-5), /lease TTL -5 is not accepted/],
  ["grant zero TTL", (s) => s.grantLease(0), /lease TTL 0/],
  ["grant fractional TTL", (s) => s.grantLease(1.5), /lease TTL 1.5/],
  ["keepAlive malformed id", (s) => s.keepAlive("-1"), /lease "-1" is not a lease id/],
  ["revoke malformed id", (s) => s.revokeLease(""), /lease "" is not a lease id/],
  ["watch from 0", (s) => s.watch("p/", 0, noop), /fromRevision 0 is not accepted; expected an integer >= 1/],
  ["watch without handlers", (s) => s.watch("p/", 1, {} as never), /handlers must have onEvents and onError/],
  ["txn duplicate put", (s) => s.txn([], [{ type: "put", key: "a", value: "1" }, { type: "put", key: "a", value: "2" }]), /success\[1\] puts "a" a second time/],
  ["txn put and delete", (s) => s.txn([], [{ type: "delete", key: "a" }, { type: "put", key: "a", value: "1" }]), /success both puts and deletes "a"/],
  ["txn put under deleted prefix", (s) => s.txn([], [], [{ type: "deletePrefix", prefix: "a/" }, { type: "put", key: "a/b", value: "1" }]), /failure both puts and deletes "a\/b"/],
  ["txn too many ops", (s) => s.txn([], manyOps), /success has 129 ops; at most 128 accepted/],
  ["txn unknown op", (s) => s.txn([], [{ type: "rename", key: "a" } as unknown as TxnOp]), /success\[0\]\.type "rename" is not one of put, delete, deletePrefix/],
  ["txn bad target", (s) => s.txn([{ key: "a", target: "size" as never, op: "==", value: 1 }], []), /compare\[0\]\.target "size"/],
  ["txn bad op", (s) => s.txn([{ key: "a", target: "version", op: ">=" as never, value: 1 }], []), /compare\[0\]\.op ">="/],
  ["txn negative revision", (s) => s.txn([{ key: "a", target: "modRevision", op: "==", value: -1 }], []), /compare\[0\]\.value -1 is not accepted for modRevision/],
  ["txn string version", (s) => s.txn([{ key: "a", target: "version", op: "==", value: "1" }], []), /compare\[0\]\.value "1"/],
  ["txn compare empty key", (s) => s.txn([{ key: "", target: "version", op: "==", value: 0 }], []), /compare\[0\]\.key must not be empty/],
  ["txn lease compare junk", (s) => s.txn([{ key: "a", target: "lease", op: "==", value: "x" }], []), /compare\[0\]\.value "x" is not a lease id/],
  ["txn not an array", (s) => s.txn("a" as never, []), /compares must be an array/],
];

export function errorContract(h: () => StoreHarness): void {
  it("refuses bad arguments with `invalid`, a message naming them, and no change", async () => {
    const { store } = h();
    await store.put("a", "before");
    const before = await store.range("");
    const wrong: string[] = [];
    for (const [name, call, message] of BAD) {
      const err = await rejection(call(store));
      if (err.code !== "invalid" || !message.test(err.message)) wrong.push(`${name}: ${err.code} ${err.message}`);
    }
    expect(wrong).toEqual([]);
    expect(await store.range("")).toEqual(before);
  });

  it("unknown leases: put and keepAlive fail with lease-not-found, revoke is a no-op", async () => {
    const { store } = h();
    expect((await rejection(store.put("k", "v", { lease: "987654321" }))).code).toBe("lease-not-found");
    expect((await rejection(store.keepAlive("987654321"))).code).toBe("lease-not-found");
    await expect(store.revokeLease("987654321")).resolves.toBeUndefined();
    expect(await store.get("k")).toBeUndefined();
  });

  it("close settles in-flight calls, refuses new ones with `closed`, and silences watches", async () => {
    const { store } = h();
    const rec = recorder();
    await store.watch("z/", (await store.range("")).revision + 1, rec);
    const inflight = Array.from({ length: 20 }, (_, i) => store.put(`z/${i}`, "v"));
    const closing = store.close();
    const settled = await Promise.allSettled(inflight);
    for (const s of settled) {
      if (s.status === "rejected") expect(s.reason).toMatchObject({ code: "closed" });
    }
    await closing;
    await store.close(); // idempotent
    const after = rec.calls.length;
    for (const call of [store.get("z/1"), store.put("z/x", "v"), store.range(""), store.grantLease(5), store.watch("", 1, recorder())]) {
      expect((await rejection(call)).code).toBe("closed");
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(rec.calls.length).toBe(after);
    expect(rec.errors).toEqual([]);
  });
}
