// WatchSharer over the in-memory store: subscribers of one prefix share a backend watch
// when that is exact, and each still sees precisely what a watch of its own would.
import { openStore, type Store, type WatchEvent, StoreError } from "../../../runtime/store";
import { WatchSharer } from "../../../runtime/store/shared-watch";

let store: Store;
beforeEach(async () => {
  store = await openStore({ backend: "memory" });
});
afterEach(async () => {
  await store.close();
});

const tick = () => new Promise((r) => setImmediate(r));

function recorder() {
  const seen: string[] = [];
  const errors: string[] = [];
  return {
    seen,
    errors,
    handlers: {
      onEvents: (evs: readonly WatchEvent[]) => seen.push(...evs.map((e) => `${e.type}:${e.kv.key}@${e.kv.modRevision}`)),
      onError: (e: StoreError) => errors.push(e.code),
    },
  };
}

describe("WatchSharer", () => {
  it("shares one backend watch between subscribers that start at or after what it owes", async () => {
    let opens = 0;
    const sharer = new WatchSharer((p, f, h) => (opens++, store.watch(p, f, h)));
    const r0 = await store.put("/x/a", "1");
    const a = recorder();
    const wa = await sharer.watch("/x/", r0.revision + 1, a.handlers);
    const r1 = await store.put("/x/b", "1");
    await tick();
    const b = recorder();
    const wb = await sharer.watch("/x/", r1.revision + 1, b.handlers); // a has delivered r1: joins
    const r2 = await store.put("/x/c", "1");
    await store.delete("/x/a");
    await tick();
    expect(opens).toBe(1);
    expect(a.seen).toEqual([`put:/x/b@${r1.revision}`, `put:/x/c@${r2.revision}`, `delete:/x/a@${r2.revision + 1}`]);
    expect(b.seen).toEqual([`put:/x/c@${r2.revision}`, `delete:/x/a@${r2.revision + 1}`]);
    await wa.cancel();
    await store.put("/x/d", "1");
    await tick();
    expect(a.seen).toHaveLength(3); // nothing after cancel
    expect(b.seen).toHaveLength(3);
    await wb.cancel();
    await wb.cancel(); // idempotent
  });

  it("filters a joining subscriber to revisions at or after its own start", async () => {
    let opens = 0;
    const sharer = new WatchSharer((p, f, h) => (opens++, store.watch(p, f, h)));
    const r0 = await store.put("/y/a", "1");
    const a = recorder();
    await sharer.watch("/y/", r0.revision + 1, a.handlers);
    const b = recorder();
    await sharer.watch("/y/", r0.revision + 3, b.handlers); // later than anything written yet
    const p1 = await store.put("/y/b", "1");
    const p2 = await store.put("/y/c", "1");
    const p3 = await store.put("/y/d", "1");
    await tick();
    expect(opens).toBe(1);
    expect(a.seen.map((s) => s.split("@")[1])).toEqual([p1, p2, p3].map((p) => String(p.revision)));
    expect(b.seen.map((s) => s.split("@")[1])).toEqual([p2, p3].filter((p) => p.revision >= r0.revision + 3).map((p) => String(p.revision)));
  });

  it("opens a separate backend watch for a subscriber asking for history already delivered", async () => {
    let opens = 0;
    const sharer = new WatchSharer((p, f, h) => (opens++, store.watch(p, f, h)));
    const r0 = await store.put("/z/a", "1");
    const a = recorder();
    await sharer.watch("/z/", r0.revision, a.handlers); // replays r0
    await tick();
    const b = recorder();
    await sharer.watch("/z/", r0.revision, b.handlers); // r0 already delivered by a's watch
    await tick();
    expect(opens).toBe(2);
    expect(b.seen).toEqual([`put:/z/a@${r0.revision}`]);
    const c = recorder();
    await sharer.watch("/other/", 1, c.handlers); // other prefixes never share
    expect(opens).toBe(3);
  });

  it("reports a backend error to every subscriber once, then opens afresh", async () => {
    let fail: ((e: StoreError) => void) | undefined;
    let cancels = 0;
    let opens = 0;
    const sharer = new WatchSharer(async (_p, _f, h) => {
      opens++;
      fail = h.onError;
      return { cancel: async () => void cancels++ };
    });
    const a = recorder();
    const b = recorder();
    const wa = await sharer.watch("/e/", 5, a.handlers);
    await sharer.watch("/e/", 5, b.handlers);
    expect(opens).toBe(1);
    fail!(new StoreError("compacted", "gone", 9));
    fail!(new StoreError("compacted", "again", 9));
    expect(a.errors).toEqual(["compacted"]);
    expect(b.errors).toEqual(["compacted"]);
    await wa.cancel(); // after the end: no backend cancel owed
    expect(cancels).toBe(0);
    await sharer.watch("/e/", 5, recorder().handlers);
    expect(opens).toBe(2);
  });

  it("a backend that cannot open rejects every waiting subscriber; the next call tries again", async () => {
    let opens = 0;
    const sharer = new WatchSharer(async () => {
      opens++;
      if (opens === 1) throw new StoreError("unavailable", "down");
      return { cancel: async () => undefined };
    });
    const p1 = sharer.watch("/u/", 1, recorder().handlers);
    const p2 = sharer.watch("/u/", 1, recorder().handlers);
    await expect(p1).rejects.toThrow("down");
    await expect(p2).rejects.toThrow("down");
    await expect(sharer.watch("/u/", 1, recorder().handlers)).resolves.toBeDefined();
    expect(opens).toBe(2);
  });

  it("cancels the backend watch with its last subscriber, and a throwing handler does not starve others", async () => {
    let cancels = 0;
    let deliver: ((evs: WatchEvent[]) => void) | undefined;
    const thrown: unknown[] = [];
    const sharer = new WatchSharer(
      async (_p, _f, h) => {
        deliver = h.onEvents as (evs: WatchEvent[]) => void;
        return { cancel: async () => void cancels++ };
      },
      (e) => thrown.push(e),
    );
    const b = recorder();
    const wa = await sharer.watch("/t/", 1, { onEvents: () => { throw new Error("bug"); }, onError: () => undefined });
    const wb = await sharer.watch("/t/", 1, b.handlers);
    deliver!([{ type: "put", kv: { key: "/t/k", value: "v", createRevision: 3, modRevision: 3, version: 1 } }]);
    expect(thrown).toEqual([new Error("bug")]);
    expect(b.seen).toEqual(["put:/t/k@3"]);
    await wa.cancel();
    expect(cancels).toBe(0);
    await wb.cancel();
    expect(cancels).toBe(1);
  });
});
