// The engine on real etcd (one member, Debian's etcd 3.4) and real time: placement,
// handover between two engines, rescheduling when a machine's lease goes, and fencing
// enforced by etcd itself. Bounded: every wait is a poll with a deadline.
import { keyspace } from "../../../runtime/cluster/keys";
import { decodeBucket, type MachineRecord, type UnitRecord } from "../../../runtime/cluster/records";
import { Engine } from "../../../runtime/engine";
import { openStore, type LeaseId, type Store } from "../../../runtime/store";
import { hashOptions } from "../../../units";
import { etcdAvailable, startEtcd, waitHealthy, type EtcdMember } from "../../support/etcd";
import { eventually } from "./support";

if (!etcdAvailable()) throw new Error("the etcd binary is required for these tests (Debian package etcd-server)");

const ks = keyspace("/etcd-engine");
let member: EtcdMember;
let store: Store;
const leases = new Map<string, LeaseId>();
let renew: NodeJS.Timeout | undefined;
const engines: Engine[] = [];

beforeAll(async () => {
  member = await startEtcd();
  await waitHealthy(member);
  store = await openStore({ backend: "etcd", endpoints: [member.clientUrl], callTimeoutMs: 2000 });
  renew = setInterval(() => {
    for (const l of leases.values()) void store.keepAlive(l).catch(() => undefined);
  }, 500);
  renew.unref();
});

afterAll(async () => {
  for (const e of engines) await e.stop();
  clearInterval(renew);
  for (const l of leases.values()) await store.revokeLease(l).catch(() => undefined);
  await store?.close();
  await member?.stop();
});

async function machine(id: string): Promise<void> {
  const lease = await store.grantLease(2);
  const rec: MachineRecord = { id, name: id, primaryIP: "127.0.0.1", metadata: {}, role: "worker", version: "test", registeredAt: 0 };
  await store.put(ks.machine(id), JSON.stringify(rec), { lease: lease.id });
  leases.set(id, lease.id);
}

async function submit(name: string): Promise<void> {
  const options = [{ section: "Service", name: "ExecStart", value: "/bin/true" }];
  const rec: UnitRecord = { name, options, hash: hashOptions(options), desiredState: "launched" };
  await store.put(ks.unit(name), JSON.stringify(rec));
}

async function schedule(): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const kv of (await store.range(ks.schedule)).kvs) {
    const [m] = kv.key.slice(ks.schedule.length).split("/") as [string, string];
    for (const a of decodeBucket(kv.value) ?? []) out.set(a.unit, [...(out.get(a.unit) ?? []), m]);
  }
  return out;
}

function engine(id: string): Engine {
  const e = new Engine({ store, id, keyspace: ks, leaseTtlSeconds: 2, reconcileIntervalMs: 500 });
  engines.push(e);
  return e;
}

test("two engines on etcd: one places, the other takes over, machines' units move, stale terms are fenced", async () => {
  for (const m of ["m1", "m2", "m3"]) await machine(m);
  for (let i = 0; i < 20; i++) await submit(`u${i}.service`);
  const a = engine("a");
  const b = engine("b");
  await a.start();
  await b.start();
  expect(a.isLeader()).toBe(true);
  await eventually(async () => (await schedule()).size === 20, 10_000);
  const first = await schedule();
  expect([...first.values()].every((ms) => ms.length === 1)).toBe(true);

  const oldTerm = (await store.get(ks.leader))!;
  expect(oldTerm.value).toBe("a");
  await a.stop();
  await eventually(() => b.isLeader(), 5000);
  await submit("late.service");
  await eventually(async () => (await schedule()).has("late.service"), 5000);
  for (const [u, ms] of first) expect((await schedule()).get(u)).toEqual(ms);

  // etcd itself refuses the old term's fenced write
  const stale = await store.txn(
    [
      { key: ks.leader, target: "createRevision", op: "==", value: oldTerm.createRevision },
      { key: ks.leader, target: "value", op: "==", value: "a" },
    ],
    [{ type: "put", key: ks.assignment("m1", "intruder.service"), value: "{}" }],
  );
  expect(stale.succeeded).toBe(false);

  const onM2 = [...(await schedule())].filter(([, ms]) => ms[0] === "m2").map(([u]) => u);
  expect(onM2.length).toBeGreaterThan(0);
  await store.revokeLease(leases.get("m2")!); // the machine's lease is gone: its key vanishes
  leases.delete("m2");
  // Removals land before additions (diff.ts), so "nothing on m2" holds a moment before
  // the moved units are placed again: wait for both.
  await eventually(async () => {
    const s = await schedule();
    return s.size === 21 && [...s.values()].every((ms) => ms[0] !== "m2");
  }, 5000);
  const after = await schedule();
  expect(after.size).toBe(21);
  expect([...after.values()].every((ms) => ms.length === 1)).toBe(true);
  for (const [u, ms] of first) if (!onM2.includes(u)) expect(after.get(u)).toEqual(ms);
  expect(after.has("intruder.service")).toBe(false);
});
