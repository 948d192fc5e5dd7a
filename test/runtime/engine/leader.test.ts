// Leader election between engines sharing one in-memory store, on simulated time.
import { keyspace } from "../../../runtime/cluster/keys";
import { LeaderElection, type LeaderEvent } from "../../../runtime/engine/leader";
import { ManualClock, openStore, type Store } from "../../../runtime/store";
import { advance, Partition, settle, until } from "./support";

const ks = keyspace("/t");
const TTL = 5;

let store: Store;
let clock: ManualClock;
const running: LeaderElection[] = [];

beforeEach(async () => {
  clock = new ManualClock();
  store = await openStore({ backend: "memory", clock });
});

afterEach(async () => {
  for (const e of running.splice(0)) await e.stop();
  await store.close();
});

function engine(id: string, opts: { store?: Store; clock?: ManualClock } = {}) {
  const events: LeaderEvent[] = [];
  const e = new LeaderElection({ store: opts.store ?? store, key: ks.leader, id, ttlSeconds: TTL, clock: opts.clock ?? clock, onEvent: (ev) => events.push(ev) });
  running.push(e);
  return Object.assign(e, { events });
}

const leaderValue = async () => (await store.get(ks.leader))?.value;

test("of two engines on one store exactly one leads, and the key names it", async () => {
  const a = engine("a");
  const b = engine("b");
  await Promise.all([a.start(), b.start()]);
  expect([a.isLeader(), b.isLeader()].filter(Boolean)).toHaveLength(1);
  const leader = a.isLeader() ? "a" : "b";
  expect(await leaderValue()).toBe(leader);
  await advance(60_000, [clock], 500); // a minute of renewals: nothing changes
  expect([a.isLeader(), b.isLeader()]).toEqual([leader === "a", leader === "b"]);
  expect(a.events.filter((e) => e.type === "error")).toEqual([]);
});

test("a resigning leader hands over at once (revoked lease, no TTL wait)", async () => {
  const a = engine("a");
  const b = engine("b");
  await a.start();
  await b.start();
  expect(a.isLeader()).toBe(true);
  await a.stop();
  await settle();
  expect(b.isLeader()).toBe(true);
  expect(await leaderValue()).toBe("b");
  expect(a.events.map((e) => e.type)).toEqual(["elected", "deposed"]);
});

test("when the leader's lease is revoked behind its back, it steps down and a new term begins", async () => {
  const a = engine("a");
  const b = engine("b");
  await a.start();
  await b.start();
  const old = a.term()!;
  await store.revokeLease(old.lease);
  await settle();
  expect(a.events).toContainEqual({ type: "deposed", reason: "leader key deleted" });
  // Both campaign the moment the key goes; exactly one wins, in a new term.
  const leaders = [a, b].filter((e) => e.isLeader());
  expect(leaders).toHaveLength(1);
  expect(leaders[0]!.term()!.createRevision).toBeGreaterThan(old.createRevision);
  expect(await leaderValue()).toBe(leaders[0] === a ? "a" : "b");
});

test("a dead leader's lease expires and the follower takes over one TTL later", async () => {
  const deadClock = new ManualClock(); // the dead engine's timers never fire again
  const a = engine("a", { clock: deadClock });
  const b = engine("b");
  await a.start();
  await b.start();
  expect(a.isLeader()).toBe(true);
  await advance(TTL * 1000 - 500, [clock]);
  expect(b.isLeader()).toBe(false);
  const waited = await until(() => b.isLeader(), [clock], 5000);
  expect(waited).toBeLessThanOrEqual(1000);
  expect(await leaderValue()).toBe("b");
});

test("a cut-off leader steps down by itself once a TTL passes without a renewal", async () => {
  const pa = new Partition(store);
  const a = engine("a", { store: pa });
  const b = engine("b");
  await a.start();
  await b.start();
  pa.cutOff();
  await until(() => !a.isLeader(), [clock], TTL * 1000 + 1000);
  await until(() => b.isLeader(), [clock], 2000);
  expect(a.events.some((e) => e.type === "deposed" && e.reason === "no successful renewal within the lease TTL")).toBe(true);
});

test("fencing: a stale leader that has not noticed yet cannot write; the new leader can", async () => {
  const pa = new Partition(store);
  const frozen = new ManualClock();
  const a = engine("a", { store: pa, clock: frozen });
  const b = engine("b");
  await a.start();
  await b.start();
  const staleTerm = a.term()!;
  pa.cutOff();
  await until(() => b.isLeader(), [clock], TTL * 1000 + 2000);
  pa.heal(); // back on the network, the delete event still in flight
  expect(a.isLeader()).toBe(true);
  const key = ks.assignment("m1", "web.service");
  const stale = await pa.txn(a.fence(staleTerm), [{ type: "put", key, value: "from a" }]);
  expect(stale.succeeded).toBe(false);
  expect(await store.get(key)).toBeUndefined();
  a.lost(staleTerm, "fenced write refused");
  expect(a.isLeader()).toBe(false);
  const fresh = await store.txn(b.fence(b.term()!), [{ type: "put", key, value: "from b" }]);
  expect(fresh.succeeded).toBe(true);
  expect((await store.get(key))?.value).toBe("from b");
  pa.deliver();
});

test("after the leader key is deleted by hand, leadership is won again", async () => {
  const a = engine("a");
  await a.start();
  await store.delete(ks.leader);
  await settle();
  expect(a.isLeader()).toBe(true);
  expect(a.events.map((e) => e.type)).toEqual(["elected", "deposed", "elected"]);
  expect(await leaderValue()).toBe("a");
});

test("a store unreachable at start is retried each TTL until the engine wins", async () => {
  const pa = new Partition(store);
  pa.cutOff();
  const a = engine("a", { store: pa });
  await a.start(); // resolves even though nothing worked
  expect(a.isLeader()).toBe(false);
  expect(a.events.some((e) => e.type === "error" && e.during === "leader watch")).toBe(true);
  pa.heal();
  const waited = await until(() => a.isLeader(), [clock], TTL * 1000 + 500);
  expect(waited).toBeLessThanOrEqual(TTL * 1000);
  await store.delete(ks.leader); // the watch set up by the retry works: a wins again at once
  await settle();
  expect(a.events.filter((e) => e.type === "elected")).toHaveLength(2);
});

test("a bad TTL is refused with what is accepted", () => {
  expect(() => new LeaderElection({ store, key: ks.leader, id: "x", ttlSeconds: 0.5 })).toThrow(/ttlSeconds 0\.5 is not accepted; expected a whole number of seconds >= 1/);
});

test("stopping leaves no timer behind", async () => {
  const own = new ManualClock();
  const a = engine("a", { clock: own });
  const b = engine("b", { clock: own });
  await a.start();
  await b.start();
  await a.stop();
  await b.stop();
  expect(own.pendingTimers).toBe(0);
});
