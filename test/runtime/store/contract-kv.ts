// Contract: keys, values, revisions, ranges, transactions.
import type { Compare, CompareOp, CompareTarget } from "../../../runtime/store/types";
import { byUtf8, type StoreHarness } from "./contract-helpers";

export function kvContract(h: () => StoreHarness): void {
  it("put, get and delete keep etcd's revision, createRevision, modRevision and version", async () => {
    const { store } = h();
    const r1 = await store.put("k", "v1");
    expect(await store.get("k")).toEqual({ key: "k", value: "v1", createRevision: r1.revision, modRevision: r1.revision, version: 1 });
    const r2 = await store.put("k", "v2");
    expect(r2.revision).toBe(r1.revision + 1);
    expect(await store.get("k")).toMatchObject({ value: "v2", createRevision: r1.revision, modRevision: r2.revision, version: 2 });
    const d = await store.delete("k");
    expect(d).toEqual({ revision: r2.revision + 1, deleted: 1 });
    expect(await store.get("k")).toBeUndefined();
    const again = await store.delete("k");
    expect(again).toEqual({ revision: d.revision, deleted: 0 }); // nothing changed: no new revision
    const r3 = await store.put("k", "v3");
    expect(await store.get("k")).toMatchObject({ createRevision: r3.revision, modRevision: r3.revision, version: 1 });
  });

  it("range returns keys in UTF-8 byte order and keeps prefixes apart", async () => {
    const { store } = h();
    const keys = ["a", "a/b", "a/c", "a0", "b", "ä", "日本/x", "日本/y", "😀", "\uE000", "a/😀", "a/\uFFFD"];
    for (const k of [...keys].reverse()) await store.put(k, `v:${k}`);
    const all = await store.range("");
    expect(all.kvs.map((kv) => kv.key)).toEqual([...keys].sort(byUtf8));
    expect(all.kvs.map((kv) => kv.value)).toEqual([...keys].sort(byUtf8).map((k) => `v:${k}`));
    expect((await store.range("a/")).kvs.map((kv) => kv.key)).toEqual(["a/b", "a/c", "a/\uFFFD", "a/😀"]);
    expect((await store.range("a")).kvs.map((kv) => kv.key)).toEqual(["a", "a/b", "a/c", "a/\uFFFD", "a/😀", "a0"]);
    expect((await store.range("日本/")).kvs.map((kv) => kv.key)).toEqual(["日本/x", "日本/y"]);
    expect((await store.range("日")).kvs).toHaveLength(2);
    expect((await store.range("a/b")).kvs.map((kv) => kv.key)).toEqual(["a/b"]);
    const none = await store.range("zzz");
    expect(none.kvs).toEqual([]);
    expect(none.revision).toBe(all.revision); // reads report the current revision
  });

  it("counts one revision per write: a multi-op txn bumps once, no-op deletes and failed txns not at all", async () => {
    const { store } = h();
    const base = (await store.put("x/1", "a")).revision;
    const t = await store.txn([], [
      { type: "put", key: "x/2", value: "b" },
      { type: "put", key: "x/3", value: "c" },
      { type: "delete", key: "x/1" },
    ]);
    expect(t).toEqual({ succeeded: true, revision: base + 1 });
    const kvs = (await store.range("x/")).kvs;
    expect(kvs.map((kv) => [kv.key, kv.modRevision])).toEqual([["x/2", base + 1], ["x/3", base + 1]]);
    const noop = await store.txn([], [{ type: "delete", key: "x/missing" }, { type: "deletePrefix", prefix: "nothing/" }]);
    expect(noop).toEqual({ succeeded: true, revision: base + 1 });
    const failed = await store.txn([{ key: "x/2", target: "value", op: "==", value: "nope" }], [{ type: "put", key: "x/4", value: "d" }]);
    expect(failed).toEqual({ succeeded: false, revision: base + 1 });
    expect(await store.get("x/4")).toBeUndefined();
  });

  it("txn applies the failure branch when a compare fails, atomically", async () => {
    const { store } = h();
    await store.put("acct/a", "10");
    const res = await store.txn(
      [{ key: "acct/a", target: "value", op: "==", value: "99" }],
      [{ type: "put", key: "acct/ok", value: "yes" }],
      [{ type: "put", key: "acct/why", value: "mismatch" }, { type: "delete", key: "acct/a" }],
    );
    expect(res.succeeded).toBe(false);
    expect(await store.get("acct/ok")).toBeUndefined();
    expect(await store.get("acct/a")).toBeUndefined();
    expect(await store.get("acct/why")).toMatchObject({ value: "mismatch", modRevision: res.revision });
  });

  it("create-if-absent and compare-and-swap on modRevision", async () => {
    const { store } = h();
    const absent: Compare = { key: "lock", target: "createRevision", op: "==", value: 0 };
    const first = await store.txn([absent], [{ type: "put", key: "lock", value: "me" }]);
    const second = await store.txn([absent], [{ type: "put", key: "lock", value: "you" }]);
    expect([first.succeeded, second.succeeded]).toEqual([true, false]);
    const kv = (await store.get("lock"))!;
    const swap = (value: string) =>
      store.txn([{ key: "lock", target: "modRevision", op: "==", value: kv.modRevision }], [{ type: "put", key: "lock", value }]);
    expect((await swap("mine")).succeeded).toBe(true);
    expect((await swap("stale")).succeeded).toBe(false);
    expect((await store.get("lock"))!.value).toBe("mine");
  });

  it("evaluates every compare target and op like etcd, missing keys included", async () => {
    const { store } = h();
    const lease = await store.grantLease(60);
    await store.put("c/k", "m");
    const put = await store.put("c/k", "m", { lease: lease.id }); // version 2, createRevision < modRevision
    const kv = (await store.get("c/k"))!;
    expect(kv).toMatchObject({ version: 2, modRevision: put.revision, lease: lease.id });
    const cases: [CompareTarget, CompareOp, number | string, boolean, boolean][] = [
      // target, op, operand, on c/k, on a missing key
      ["version", "==", 2, true, false],
      ["version", "==", 0, false, true],
      ["version", "!=", 2, false, true],
      ["version", "<", 3, true, true],
      ["version", ">", 1, true, false],
      ["createRevision", "==", kv.createRevision, true, false],
      ["createRevision", "<", kv.modRevision, true, true],
      ["createRevision", ">", 0, true, false],
      ["modRevision", "==", put.revision, true, false],
      ["modRevision", "!=", 0, true, false],
      ["modRevision", "<", put.revision, false, true],
      ["modRevision", ">", put.revision - 1, true, false],
      ["value", "==", "m", true, false],
      ["value", "!=", "x", true, false], // a value compare on a missing key always fails
      ["value", "==", "", false, false],
      ["value", "<", "n", true, false],
      ["value", ">", "l", true, false],
      ["value", ">", "m", false, false],
      ["lease", "==", lease.id, true, false],
      ["lease", "==", 0, false, true],
      ["lease", "==", "0", false, true],
      ["lease", "!=", "0", true, false],
      ["lease", ">", 0, true, false],
      ["lease", "<", lease.id, false, true],
    ];
    const results: string[] = [];
    for (const [target, op, value, onKey, onMissing] of cases) {
      for (const [key, want] of [["c/k", onKey], ["c/missing", onMissing]] as const) {
        const { succeeded } = await store.txn([{ key, target, op, value }], []);
        if (succeeded !== want) results.push(`${target} ${op} ${JSON.stringify(value)} on ${key}: got ${succeeded}, want ${want}`);
      }
    }
    expect(results).toEqual([]);
    // All compares must hold (AND).
    const both = await store.txn(
      [
        { key: "c/k", target: "value", op: "==", value: "m" },
        { key: "c/k", target: "version", op: "==", value: 1 },
      ],
      [],
    );
    expect(both.succeeded).toBe(false);
    await store.revokeLease(lease.id);
  });

  it("value compares order by UTF-8 bytes", async () => {
    const { store } = h();
    await store.put("u", "\uE000"); // U+E000 sorts below U+1F600 in UTF-8, above it in UTF-16
    const { succeeded } = await store.txn([{ key: "u", target: "value", op: "<", value: "😀" }], []);
    expect(succeeded).toBe(true);
  });

  it("deletePrefix removes exactly the prefixed keys in one revision", async () => {
    const { store } = h();
    for (const k of ["p/a", "p/b", "p/c/d", "pq", "q"]) await store.put(k, "1");
    const before = (await store.range("")).revision;
    const res = await store.txn([], [{ type: "deletePrefix", prefix: "p/" }]);
    expect(res.revision).toBe(before + 1);
    expect((await store.range("")).kvs.map((kv) => kv.key)).toEqual(["pq", "q"]);
  });

  it("values round-trip unchanged: empty, unicode, newlines, 100 KiB", async () => {
    const { store } = h();
    const values = ["", "ü 😀 日本", "line1\nline2\r\n\ttab", "\u0000nul", "x".repeat(100 * 1024)];
    for (const [i, v] of values.entries()) await store.put(`val/${i}`, v);
    expect((await store.range("val/")).kvs.map((kv) => kv.value)).toEqual(values);
  });
}
