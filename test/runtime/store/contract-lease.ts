// Contract: leases — grant, attach, keep alive, revoke, expire.
import { brief, eventually, recorder, rejection, type StoreHarness } from "./contract-helpers";

export function leaseContract(h: () => StoreHarness): void {
  it("grants a lease, attaches keys, and revoking deletes them in one revision", async () => {
    const { store, ttl } = h();
    const lease = await store.grantLease(ttl);
    expect(lease.id).toMatch(/^[1-9][0-9]*$/);
    expect(lease.ttlSeconds).toBeGreaterThanOrEqual(ttl);
    await store.put("m/b", "1", { lease: lease.id });
    const t = await store.txn([], [{ type: "put", key: "m/a", value: "2", lease: lease.id }]);
    await store.put("m/keep", "3");
    expect((await store.get("m/a"))!.lease).toBe(lease.id);
    expect((await store.get("m/keep"))!.lease).toBeUndefined();
    const rec = recorder();
    const w = await store.watch("m/", t.revision + 1, rec);
    await store.revokeLease(lease.id);
    const events = await rec.waitEvents(3);
    expect(events.map(brief)).toEqual([
      `put m/keep=3 @${t.revision + 1}`,
      `delete m/a @${t.revision + 2}`,
      `delete m/b @${t.revision + 2}`,
    ]);
    expect(rec.calls).toHaveLength(2); // the two deletes arrive together: one revision
    expect(events[1]!.kv).toEqual({ key: "m/a", value: "", createRevision: 0, modRevision: t.revision + 2, version: 0 });
    expect((await store.range("m/")).kvs.map((kv) => kv.key)).toEqual(["m/keep"]);
    expect((await rejection(store.keepAlive(lease.id))).code).toBe("lease-not-found");
    expect((await rejection(store.put("m/c", "4", { lease: lease.id }))).code).toBe("lease-not-found");
    await store.revokeLease(lease.id); // revoking twice is not an error
    await w.cancel();
  });

  it("a put without a lease detaches the key; a put with another lease moves it", async () => {
    const { store, ttl } = h();
    const a = await store.grantLease(ttl);
    const b = await store.grantLease(ttl);
    await store.put("d/1", "x", { lease: a.id });
    await store.put("d/2", "x", { lease: a.id });
    await store.put("d/1", "y"); // detached from a
    await store.put("d/2", "y", { lease: b.id }); // moved to b
    await store.revokeLease(a.id);
    expect((await store.range("d/")).kvs.map((kv) => [kv.key, kv.lease])).toEqual([["d/1", undefined], ["d/2", b.id]]);
    await store.revokeLease(b.id);
    expect((await store.range("d/")).kvs.map((kv) => kv.key)).toEqual(["d/1"]);
  });

  it("a txn branch that puts with an unknown lease fails with lease-not-found and changes nothing", async () => {
    const { store } = h();
    const before = (await store.range("")).revision;
    const err = await rejection(store.txn([], [{ type: "put", key: "l/x", value: "1", lease: "123456789" }]));
    expect(err.code).toBe("lease-not-found");
    expect((await store.range("")).revision).toBe(before);
    // The branch not taken is not checked (etcd's rule).
    const ok = await store.txn([{ key: "l/none", target: "version", op: ">", value: 0 }], [{ type: "put", key: "l/y", value: "1", lease: "123456789" }]);
    expect(ok.succeeded).toBe(false);
  });

  it("expiry: an unrenewed lease's keys vanish (with delete events), a renewed lease lives on", async () => {
    const { store, ttl } = h();
    const kept = await store.grantLease(ttl);
    const lost = await store.grantLease(ttl);
    await store.put("e/kept", "1", { lease: kept.id });
    await store.put("e/lost1", "1", { lease: lost.id });
    const last = await store.put("e/lost2", "1", { lease: lost.id });
    const rec = recorder();
    const w = await store.watch("e/", last.revision + 1, rec);
    const step = Math.floor((ttl * 1000) / 2);
    for (let t = 0; t < 3; t++) {
      await h().elapse(step);
      await store.keepAlive(kept.id);
    } // 1.5 TTL has passed: `lost` is past its deadline, `kept` was renewed each half TTL
    await eventually(async () => expect((await store.range("e/")).kvs.map((kv) => kv.key)).toEqual(["e/kept"]), ttl * 1000 + 3000);
    const events = await rec.waitEvents(2);
    expect(events.map((e) => `${e.type} ${e.kv.key}`)).toEqual(["delete e/lost1", "delete e/lost2"]);
    expect(rec.calls).toHaveLength(1); // one revision per expired lease
    expect((await rejection(store.keepAlive(lost.id))).code).toBe("lease-not-found");
    // Now let `kept` lapse too.
    await h().elapse(ttl * 1000 + 100);
    await eventually(async () => expect((await store.range("e/")).kvs).toEqual([]), ttl * 1000 + 3000);
    expect((await rejection(store.keepAlive(kept.id))).code).toBe("lease-not-found");
    await w.cancel();
  });
}
