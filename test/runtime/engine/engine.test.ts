// The engine loop against the in-memory store on simulated time: placement, reasons,
// rescheduling on lease expiry only, failover between two engines, and fencing.
import { ManualClock } from "../../../runtime/store";
import { Cluster, doubled, MACHINE_TTL_SECONDS } from "./cluster";
import { Partition, settle } from "./support";

let c: Cluster;
beforeEach(async () => {
  c = await Cluster.open();
});
afterEach(async () => {
  await c.close();
});

async function threeMachines(): Promise<void> {
  await c.machine("m1", { region: "eu" });
  await c.machine("m2", { region: "us" });
  await c.machine("m3", { region: "eu" });
}

test("units are placed by the rules and the assignment says what to run", async () => {
  await threeMachines();
  for (const i of [1, 2, 3]) await c.submit(`web@${i}.service`, ["Conflicts=%p@*.service"]);
  await c.submit("mon.service", ["Global=true", "MachineMetadata=region=eu"]);
  await c.submit("db.service", [], "loaded");
  const e = c.engine("e1");
  await e.start();
  await c.until(async () => (await c.schedule()).size === 5);
  const s = await c.schedule();
  expect(new Set(["web@1.service", "web@2.service", "web@3.service"].map((u) => s.get(u)![0])).size).toBe(3);
  expect(s.get("mon.service")).toEqual(["m1", "m3"]);
  expect(await c.assignment("m1", "mon.service")).toMatchObject({ unit: "mon.service", desiredState: "launched", global: true });
  const db = s.get("db.service")![0]!;
  expect(await c.assignment(db, "db.service")).toMatchObject({ desiredState: "loaded", global: false, hash: expect.stringMatching(/^[0-9a-f]{40}$/) });
  expect(e.metrics()).toMatchObject({ leader: true, placements: 6, errors: 0 });
});

test("an unschedulable unit gets a reason, cleared once it is placed", async () => {
  await threeMachines();
  await c.submit("gpu.service", ["MachineMetadata=gpu=yes"]);
  const e = c.engine("e1");
  await e.start();
  await c.until(async () => (await c.reasons()).size === 1);
  expect(await c.reasons()).toEqual(new Map([["gpu.service", "no machine matches MachineMetadata gpu=yes"]]));
  await c.machine("m4", { gpu: "yes" });
  await c.until(async () => (await c.schedule()).get("gpu.service")?.[0] === "m4");
  expect((await c.reasons()).size).toBe(0);
});

test("a dead machine's units move only after its lease expires; live machines keep theirs", async () => {
  await threeMachines();
  for (const u of ["a", "b", "c", "d", "e", "f"]) await c.submit(`${u}.service`);
  const e = c.engine("e1");
  await e.start();
  await c.until(async () => (await c.schedule()).size === 6);
  const before = await c.schedule();
  await c.tick(10_000); // ten reconcile intervals: nothing moves while every machine lives
  expect(await c.schedule()).toEqual(before);
  const onM2 = [...before].filter(([, ms]) => ms[0] === "m2").map(([u]) => u);
  c.kill("m2");
  await c.tick((MACHINE_TTL_SECONDS - 1) * 1000);
  expect(await c.schedule()).toEqual(before); // lease not expired yet
  const waited = await c.until(async () => [...(await c.schedule()).values()].every((ms) => ms[0] !== "m2"), 5000);
  expect(waited).toBeLessThanOrEqual(2000);
  const after = await c.schedule();
  for (const [u, ms] of before) if (!onM2.includes(u)) expect(after.get(u)).toEqual(ms);
  for (const u of onM2) expect(after.get(u)).toHaveLength(1);
  expect(doubled(after)).toEqual([]);
});

test("a returning machine gets new work", async () => {
  await c.machine("m1");
  await c.submit("a.service");
  const e = c.engine("e1");
  await e.start();
  await c.until(async () => (await c.schedule()).size === 1);
  await c.machine("m2");
  await c.submit("b.service");
  await c.until(async () => (await c.schedule()).get("b.service")?.[0] === "m2");
  expect((await c.schedule()).get("a.service")).toEqual(["m1"]);
});

test("stopping or destroying a unit removes its assignment and its reason", async () => {
  await c.machine("m1");
  await c.submit("a.service");
  await c.submit("b.service", ["MachineID=nowhere"]);
  const e = c.engine("e1");
  await e.start();
  await c.until(async () => (await c.schedule()).size === 1 && (await c.reasons()).size === 1);
  await c.setState("a.service", "inactive");
  await c.destroy("b.service");
  await c.until(async () => (await c.schedule()).size === 0 && (await c.reasons()).size === 0);
});

test("a unit's new desired state and hash reach its assignment without moving it", async () => {
  await c.machine("m1");
  await c.machine("m2");
  await c.submit("a.service", [], "loaded");
  const e = c.engine("e1");
  await e.start();
  await c.until(async () => (await c.schedule()).size === 1);
  const [m] = (await c.schedule()).get("a.service")!;
  await c.setState("a.service", "launched");
  await c.until(async () => (await c.assignment(m!, "a.service"))?.desiredState === "launched");
  expect((await c.schedule()).get("a.service")).toEqual([m]);
});

test("handover: when the leader resigns the follower takes over at once and keeps every placement", async () => {
  await threeMachines();
  for (const i of [1, 2, 3, 4]) await c.submit(`u${i}.service`);
  const frozen = new ManualClock();
  const a = c.engine("a", { clock: frozen });
  const b = c.engine("b");
  await a.start();
  await b.start();
  await c.until(async () => (await c.schedule()).size === 4, 20_000, [frozen]);
  const before = await c.schedule();
  await a.stop(); // resigns: revokes its lease, so b need not wait a TTL
  const waited = await c.until(() => b.isLeader(), 1000);
  expect(waited).toBe(0);
  await c.submit("u5.service");
  await c.until(async () => (await c.schedule()).size === 5);
  const after = await c.schedule();
  for (const [u, ms] of before) expect(after.get(u)).toEqual(ms);
});

test("failover by lease expiry: a silent leader is replaced one TTL later, nothing placed twice", async () => {
  await threeMachines();
  const pa = new Partition(c.store);
  const frozen = new ManualClock(); // a's timers never fire again: it is dead
  const a = c.engine("a", { store: pa, clock: frozen });
  const b = c.engine("b");
  await a.start();
  await b.start();
  for (const i of [1, 2, 3]) await c.submit(`u${i}.service`);
  await c.until(async () => (await c.schedule()).size === 3, 20_000, [frozen]);
  pa.cutOff();
  await c.submit("late.service");
  const waited = await c.until(async () => b.isLeader() && (await c.schedule()).has("late.service"), 10_000);
  expect(waited).toBeGreaterThanOrEqual(4000); // the lease had to expire first
  expect(doubled(await c.schedule())).toEqual([]);
});

test("fencing: a stale leader's pass is refused and it steps down", async () => {
  await threeMachines();
  const pa = new Partition(c.store);
  const frozen = new ManualClock();
  const a = c.engine("a", { store: pa, clock: frozen, debounceMs: 50 });
  const b = c.engine("b");
  await a.start();
  await b.start();
  await c.until(() => a.isLeader(), 1000, [frozen]);
  await c.submit("x.service"); // a sees it, but its debounce timer is frozen
  await c.tick(100);
  pa.cutOff();
  await c.until(async () => b.isLeader() && (await c.schedule()).has("x.service"), 10_000);
  const placedByB = (await c.schedule()).get("x.service");
  pa.heal(); // a is back, still believing it leads, its events still in flight
  expect(a.isLeader()).toBe(true);
  await c.until(() => !a.isLeader(), 2000, [frozen]); // a's debounce fires: its write is fenced
  expect(a.events).toContainEqual({ type: "deposed", reason: "a fenced write was refused: another engine leads" });
  expect((await c.schedule()).get("x.service")).toEqual(placedByB);
  pa.deliver();
});

test("a broken watch is recovered by re-reading, and scheduling goes on", async () => {
  await c.machine("m1");
  const pa = new Partition(c.store);
  const e = c.engine("e1", { store: pa });
  await e.start();
  await c.submit("a.service");
  await c.until(async () => (await c.schedule()).size === 1);
  pa.breakWatches();
  await c.submit("b.service");
  await c.until(async () => (await c.schedule()).size === 2);
  expect(e.events.some((ev) => ev.type === "error" && ev.during.startsWith("watch"))).toBe(true);
});

test("a pass waits to see its own writes before the next decide, so nothing is placed twice", async () => {
  await c.machine("m1");
  const pa = new Partition(c.store);
  const e = c.engine("e1", { store: pa, catchUpTimeoutMs: 3000 });
  await e.start();
  pa.holdEvents(c.ks.schedule); // the echo of the engine's own writes is slow
  await c.submit("a.service");
  await c.tick(200);
  expect((await c.schedule()).get("a.service")).toEqual(["m1"]);
  await c.machine("m0"); // an empty machine that sorts first: a stale mirror would put a.service there too
  await c.tick(2000);
  expect(await c.schedule()).toEqual(new Map([["a.service", ["m1"]]]));
  await c.tick(2000); // the catch-up timed out: the engine re-read the schedule instead of guessing
  expect(await c.schedule()).toEqual(new Map([["a.service", ["m1"]]]));
  expect(e.events.some((ev) => ev.type === "error" && ev.during === "catch-up")).toBe(true);
  pa.deliver();
});

test("a new leader decides nothing until it has read the whole cluster", async () => {
  await c.machine("m1");
  await c.submit("a.service");
  const first = c.engine("first");
  await first.start();
  await c.until(async () => (await c.schedule()).size === 1);
  await first.stop();
  const pa = new Partition(c.store);
  pa.delayRanges(c.ks.units); // the unit list is slow to read
  const second = c.engine("second", { store: pa });
  try {
    await second.start();
    await c.tick(3000);
    expect(await c.schedule()).toEqual(new Map([["a.service", ["m1"]]])); // a half-read cluster would unschedule it
  } finally {
    pa.releaseRanges();
  }
  await c.submit("b.service");
  await c.until(async () => (await c.schedule()).size === 2);
  expect((await c.schedule()).get("a.service")).toEqual(["m1"]);
});

test("an idle leader runs no passes; a hand-deleted assignment is restored at the next interval", async () => {
  await c.machine("m1");
  await c.submit("a.service");
  const e = c.engine("e1", { reconcileIntervalMs: 1000 });
  await e.start();
  await c.until(async () => (await c.schedule()).size === 1);
  await c.tick(1500);
  const passes = e.metrics().passes;
  await c.tick(10_000);
  expect(e.metrics().passes).toBe(passes);
  await c.store.delete(c.ks.assignment("m1", "a.service"));
  await c.until(async () => (await c.schedule()).size === 1, 1500);
  expect(e.metrics().passes).toBe(passes + 1);
});

test("big diffs go out in transactions of at most batchOps, in chunks of maxOpsPerPass", async () => {
  await threeMachines();
  for (let i = 0; i < 300; i++) await c.submit(`u${i}.service`);
  // 300 units on 3 machines are 48 bucket records (16 per machine).
  const e = c.engine("e1", { batchOps: 10, maxOpsPerPass: 20 });
  await e.start();
  await c.until(async () => (await c.schedule()).size === 300);
  const passes = e.events.flatMap((ev) => (ev.type === "reconciled" && ev.ops > 0 ? [ev] : []));
  expect(passes.map((p) => [p.ops, p.txns, p.placements, p.interrupted])).toEqual([[48, 5, 300, false]]); // chunks of 20, 20, 8 ops: 2 + 2 + 1 txns
  const perMachine = [...(await c.schedule()).values()].reduce((n, [m]) => n.set(m!, (n.get(m!) ?? 0) + 1), new Map<string, number>());
  expect([...perMachine.values()]).toEqual([100, 100, 100]);
});

test("a change to the cluster between chunks stops the pass and the next one decides afresh", async () => {
  await c.machine("m1");
  for (let i = 0; i < 30; i++) await c.submit(`u${i}.service`);
  const pa = new Partition(c.store);
  // u0..u29 fill 14 buckets; the first chunk (buckets 0-3) holds 8 units.
  const e = c.engine("e1", { store: pa, maxOpsPerPass: 4, catchUpTimeoutMs: 1000 });
  await e.start();
  pa.holdEvents(c.ks.schedule); // the first chunk's echo is slow...
  await c.until(async () => (await c.schedule()).size === 8, 500);
  await c.machine("m2"); // ...and meanwhile a machine joins
  await settle();
  pa.deliver();
  await c.until(async () => (await c.schedule()).size === 30);
  const passes = e.events.flatMap((ev) => (ev.type === "reconciled" && ev.ops > 0 ? [ev] : []));
  expect(passes[0]).toMatchObject({ ops: 4, interrupted: true });
  expect(passes[1]).toMatchObject({ interrupted: false });
  const s = await c.schedule();
  expect([...s.values()].filter(([m]) => m === "m2")).toHaveLength(15); // the fresh decide evened the load with m2
});

test("garbage in the store is survived: damaged records are skipped, never crash the engine", async () => {
  await c.machine("m1");
  await c.store.put(c.ks.machine("m9"), "{not json");
  await c.store.put(c.ks.machine("m8"), JSON.stringify({ id: "other", name: "x", primaryIP: "", metadata: {}, role: "worker", version: "", registeredAt: 0 }));
  await c.store.put(c.ks.unit("junk.service"), "\u0000\u0001");
  await c.store.put(c.ks.unit("liar.service"), JSON.stringify({ name: "other.service", options: [], hash: "x", desiredState: "launched" }));
  await c.store.put(c.ks.unit("opts.service"), JSON.stringify({ name: "opts.service", options: [{ section: "X-Fleet", name: "Global", value: "maybe" }], hash: "x", desiredState: "launched" }));
  await c.store.put(c.ks.unit("bad name"), JSON.stringify({ name: "bad name", options: [], hash: "x", desiredState: "launched" }));
  await c.store.put(c.ks.machineMetadata("m1"), "[1,2]");
  await c.store.put(`${c.ks.schedule}m1`, "no unit part");
  await c.store.put(c.ks.assignment("m1", "ghost.service"), "garbage");
  await c.store.put(c.ks.unschedulable + "ghost.service", "garbage");
  await c.submit("ok.service");
  const e = c.engine("e1");
  await e.start();
  await c.until(async () => (await c.schedule()).has("ok.service") && !(await c.schedule()).has("ghost.service"));
  expect((await c.schedule()).get("ok.service")).toEqual(["m1"]);
  const reasons = await c.reasons();
  expect(reasons.get("opts.service")).toMatch(/^invalid \[X-Fleet\] options: .*Global/);
  expect(reasons.get("bad name")).toMatch(/^invalid \[X-Fleet\] options: unit name "bad name"/);
  expect(reasons.has("ghost.service")).toBe(false);
  expect([...reasons.keys()].sort()).toEqual(["bad name", "opts.service"]);
  expect(e.metrics().errors).toBe(0);
});

test("stop() leaves no engine timer behind", async () => {
  await c.machine("m1");
  await c.submit("a.service");
  const own = new ManualClock();
  const e = c.engine("e1", { clock: own });
  await e.start();
  await c.until(async () => (await c.schedule()).size === 1, 5000, [own]);
  await e.stop();
  expect(e.isLeader()).toBe(false);
  expect(own.pendingTimers).toBe(0);
  expect(await c.store.get(c.ks.leader)).toBeUndefined();
});

test("bad engine options are refused with the field and what is accepted", () => {
  expect(() => c.engine("x", { batchOps: 500 })).toThrow("engine option batchOps 500 is not accepted; expected an integer from 1 to 128");
  expect(() => c.engine("x", { reconcileIntervalMs: 0 })).toThrow("engine option reconcileIntervalMs 0 is not accepted; expected a number >= 1");
  expect(() => c.engine("x", { leaseTtlSeconds: -1 })).toThrow(/ttlSeconds -1 is not accepted/);
});
