// Reported unit states are kept in 16 bucket records per machine (records.ts): a report
// rewrites only the buckets whose text changed, drops what is no longer reported, and
// readers skip a damaged bucket instead of failing.
import { openStore, type Store } from "../../../runtime/store";
import { keyspace } from "../../../runtime/cluster/keys";
import { Membership } from "../../../runtime/cluster/membership";
import { Registry } from "../../../runtime/cluster/registry";
import { bucketOf, decodeStateBucket, type UnitStateRecord } from "../../../runtime/cluster/records";

const M = "0123456789abcdef0123456789abcdef";
let store: Store;
let membership: Membership;
let registry: Registry;

beforeEach(async () => {
  store = await openStore({ backend: "memory" });
  const ks = keyspace();
  membership = new Membership(store, ks);
  registry = new Registry(store);
  await membership.register({ id: M, name: "m1", primaryIP: "127.0.0.1", metadata: {}, role: "worker", version: "t", registeredAt: 0 }, 60);
});
afterEach(async () => {
  await store.close();
});

const state = (name: string, active = "active"): UnitStateRecord => ({
  name,
  hash: "h",
  machineID: M,
  systemdLoadState: "loaded",
  systemdActiveState: active,
  systemdSubState: active === "active" ? "running" : "dead",
});

const names = Array.from({ length: 40 }, (_, i) => `s${i}.service`);

test("40 states become at most 16 records, each on the machine's lease, and read back whole", async () => {
  expect(await membership.reportStates(M, names.map((n) => state(n)))).toBe(true);
  const kvs = (await store.range(registry.keys.machineStates(M))).kvs;
  expect(kvs.length).toBe(new Set(names.map(bucketOf)).size);
  expect(kvs.every((kv) => kv.lease !== undefined)).toBe(true);
  expect((await registry.listStates()).map((s) => s.name).sort()).toEqual([...names].sort());
  expect(await registry.listStates({ unitName: "s7.service" })).toEqual([state("s7.service")]);
});

test("a report that changes one unit rewrites only its bucket; units no longer reported go away", async () => {
  await membership.reportStates(M, names.map((n) => state(n)));
  const before = new Map((await store.range(registry.keys.machineStates(M))).kvs.map((kv) => [kv.key, kv.modRevision]));
  await membership.reportStates(M, names.map((n) => state(n, n === "s3.service" ? "failed" : "active")));
  const after = (await store.range(registry.keys.machineStates(M))).kvs;
  const changed = after.filter((kv) => before.get(kv.key) !== kv.modRevision).map((kv) => kv.key);
  expect(changed).toEqual([registry.keys.unitState(M, "s3.service")]);
  // A report of nothing but s3: every other bucket is deleted.
  await membership.reportStates(M, [state("s3.service", "failed")]);
  expect((await store.range(registry.keys.machineStates(M))).kvs.map((kv) => kv.key)).toEqual([registry.keys.unitState(M, "s3.service")]);
  expect(await registry.listStates()).toEqual([state("s3.service", "failed")]);
});

test("a name reported twice keeps its last state", async () => {
  await membership.reportStates(M, [state("d.service"), state("d.service", "failed")]);
  const kv = await store.get(registry.keys.unitState(M, "d.service"));
  expect(decodeStateBucket(kv!.value)).toEqual([state("d.service", "failed")]);
});

test("a damaged bucket is skipped by readers and replaced by the next report", async () => {
  await membership.reportStates(M, names.map((n) => state(n)));
  const key = registry.keys.unitState(M, "s1.service");
  await store.put(key, '{"states":[{"name":1}]}');
  const listed = (await registry.listStates()).map((s) => s.name);
  expect(listed).not.toContain("s1.service");
  expect(listed.length).toBeGreaterThan(30);
  for (const bad of ["", "{}", '{"states":{}}', '{"states":[null]}', "[]"]) expect(decodeStateBucket(bad)).toBeUndefined();
  await membership.reportStates(M, names.map((n) => state(n)));
  expect((await registry.listStates()).map((s) => s.name).sort()).toEqual([...names].sort());
});
