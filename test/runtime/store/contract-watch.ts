// Contract: watches — ordering, replay from history, compaction and recovery, cancel.
import type { Store, WatchEvent } from "../../../runtime/store/types";
import { brief, eventually, pause, recorder, type StoreHarness } from "./contract-helpers";

async function currentRevision(store: Store): Promise<number> {
  return (await store.range("")).revision;
}

export function watchContract(h: () => StoreHarness): void {
  it("delivers one revision per call, in increasing order, with no gaps across txns", async () => {
    const { store } = h();
    // w/0 exists before the concurrent writes: the txn's delete of it must make an event
    // whichever order the store applies them in (a delete of a missing key makes none).
    await store.put("w/0", "before");
    const from = (await currentRevision(store)) + 1;
    const rec = recorder();
    const w = await store.watch("w/", from, rec);
    const writes = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => store.put(`w/${i % 5}`, `v${i}`)),
      store.txn([], [{ type: "put", key: "w/t1", value: "a" }, { type: "put", key: "w/t2", value: "b" }, { type: "delete", key: "w/0" }]),
      store.put("other/x", "not watched"),
    ]);
    const watchedRevs = writes.slice(0, 21).map((r) => r.revision).sort((a, b) => a - b);
    await rec.waitEvents(23);
    const revs = rec.calls.map((evs) => evs[0]!.kv.modRevision);
    for (const evs of rec.calls) expect(new Set(evs.map((e) => e.kv.modRevision)).size).toBe(1);
    expect(revs).toEqual(watchedRevs); // every write under the prefix, in order, nothing else
    const txnCall = rec.calls.find((evs) => evs.length === 3)!;
    expect(txnCall.map((e) => `${e.type} ${e.kv.key}`)).toEqual(["put w/t1", "put w/t2", "delete w/0"]);
    await w.cancel();
  });

  it("replays history from an old revision, then continues live", async () => {
    const { store } = h();
    const first = await store.put("r/a", "1");
    await store.put("r/b", "2");
    await store.delete("r/a");
    await store.put("r/a", "3");
    const rec = recorder();
    const w = await store.watch("r/", first.revision, rec);
    await rec.waitEvents(4);
    await store.put("r/c", "live");
    const events = await rec.waitEvents(5);
    const r = first.revision;
    expect(events.map(brief)).toEqual([`put r/a=1 @${r}`, `put r/b=2 @${r + 1}`, `delete r/a @${r + 2}`, `put r/a=3 @${r + 3}`, `put r/c=live @${r + 4}`]);
    expect(events[3]!.kv).toMatchObject({ createRevision: r + 3, version: 1 });
    await w.cancel();
  });

  it("a watch from a compacted revision ends with `compacted`; range + watch from revision+1 misses nothing", async () => {
    const { store } = h();
    const first = await store.put("c/a", "1");
    await store.put("c/b", "2");
    const third = await store.put("c/a", "3");
    await h().compact(third.revision);
    const rec = recorder();
    const w = await store.watch("c/", first.revision, rec);
    const err = await rec.waitError();
    expect(err.code).toBe("compacted");
    expect(err.compactRevision).toBeGreaterThan(first.revision);
    expect(err.compactRevision).toBeLessThanOrEqual(third.revision + 1);
    expect(rec.calls).toEqual([]);
    await w.cancel(); // cancelling an ended watch is harmless
    // Recovery: read the state, watch from just after it.
    const snap = await store.range("c/");
    const state = new Map(snap.kvs.map((kv) => [kv.key, kv.value]));
    const live = recorder();
    const w2 = await store.watch("c/", snap.revision + 1, live);
    await store.put("c/b", "4");
    await store.delete("c/a");
    await store.put("c/d", "5");
    const evs = await live.waitEvents(3);
    for (const e of evs) {
      if (e.type === "put") state.set(e.kv.key, e.kv.value);
      else state.delete(e.kv.key);
    }
    const final = await store.range("c/");
    expect([...state]).toEqual(final.kvs.map((kv) => [kv.key, kv.value]));
    expect(evs[0]!.kv.modRevision).toBe(snap.revision + 1);
    await w2.cancel();
  });

  it("cancel stops delivery; other watches carry on", async () => {
    const { store } = h();
    const from = (await currentRevision(store)) + 1;
    const a = recorder();
    const b = recorder();
    const wa = await store.watch("x/", from, a);
    const wb = await store.watch("x/", from, b);
    await store.put("x/1", "1");
    await a.waitEvents(1);
    await b.waitEvents(1);
    await wa.cancel();
    await wa.cancel(); // idempotent
    await store.put("x/2", "2");
    await b.waitEvents(2);
    await pause(100);
    expect(a.events().map(brief)).toEqual([`put x/1=1 @${from}`]);
    await wb.cancel();
  });

  it("watches only its prefix; the empty prefix sees every key", async () => {
    const { store } = h();
    const from = (await currentRevision(store)) + 1;
    const narrow = recorder();
    const wide = recorder();
    const w1 = await store.watch("n/a", from, narrow);
    const w2 = await store.watch("", from, wide);
    for (const k of ["n/a", "n/ab", "n/b", "m", "n/a/c"]) await store.put(k, "1");
    await wide.waitEvents(5);
    await narrow.waitEvents(3);
    await pause(50);
    expect(narrow.events().map((e: WatchEvent) => e.kv.key)).toEqual(["n/a", "n/ab", "n/a/c"]);
    expect(wide.events().map((e: WatchEvent) => e.kv.key)).toEqual(["n/a", "n/ab", "n/b", "m", "n/a/c"]);
    await w1.cancel();
    await w2.cancel();
  });

  it("a watch from a future revision waits for it", async () => {
    const { store } = h();
    const now = await currentRevision(store);
    const rec = recorder();
    const w = await store.watch("f/", now + 3, rec);
    await store.put("f/1", "1");
    await store.put("f/2", "2");
    await store.put("f/3", "3");
    await store.put("f/4", "4");
    const evs = await rec.waitEvents(2);
    await eventually(() => expect(evs.map((e) => e.kv.key)).toEqual(["f/3", "f/4"]));
    await w.cancel();
  });
}
