// Decision minus stored state: exactly the bucket records to write, removals first,
// nothing rewritten that already says the right thing, damaged and stray keys replaced.
import { keyspace } from "../../../runtime/cluster/keys";
import { bucketOf, decodeAssignment, decodeBucket, encodeBucket, type UnitRecord } from "../../../runtime/cluster/records";
import { encodeAssignment, encodeUnschedulable, planWrites, type Stored, type UnitFacts } from "../../../runtime/engine/diff";
import { batchesOf } from "../../../runtime/engine/writer";

const ks = keyspace("/d");
const rec = (name: string, desiredState: UnitRecord["desiredState"] = "launched"): UnitRecord => ({ name, options: [], hash: "h-" + name, desiredState });
const facts = (...units: [UnitRecord, boolean][]) => new Map<string, UnitFacts>(units.map(([record, global]) => [record.name, { record, global }]));

/** The stored state as the mirror holds it, from raw keys under each machine. */
function stored(machines: Record<string, Record<string, string>>, unschedulable = new Map<string, string>()): Stored {
  const schedule = new Map<string, Map<string, string>>();
  const buckets = new Map<string, Map<string, string>>();
  for (const [m, keys] of Object.entries(machines)) {
    buckets.set(m, new Map(Object.entries(keys)));
    for (const [b, text] of Object.entries(keys)) {
      for (const a of decodeBucket(text) ?? []) {
        if (bucketOf(a.unit) !== b) continue;
        if (!schedule.has(m)) schedule.set(m, new Map());
        schedule.get(m)!.set(a.unit, JSON.stringify(a));
      }
    }
  }
  return { schedule, buckets, unschedulable };
}

const a = rec("a.service"); // bucket d
const b = rec("b.service"); // bucket 0
const g = rec("g.service"); // bucket b
const w = rec("web@1.service"); // bucket b, too
const gone = rec("gone.service"); // bucket 3
const text = (r: UnitRecord, global = false) => encodeAssignment(r, global);

test("the stored format: assignments in 16 buckets by FNV-1a of the unit name", () => {
  expect(decodeAssignment(text(rec("a.service", "loaded")))).toEqual({ unit: "a.service", hash: "h-a.service", desiredState: "loaded", global: false });
  // Pinned: a different bucketOf() would move every stored assignment.
  expect(["a.service", "b.service", "g.service", "web@1.service", "gone.service", "load0.service"].map(bucketOf)).toEqual(["d", "0", "b", "b", "3", "2"]);
  expect(decodeBucket(encodeBucket([text(g, true), text(w)]))).toEqual([JSON.parse(text(g, true)), JSON.parse(text(w))]);
  for (const bad of ["", "{}", "[]", '{"assignments":{}}', '{"assignments":[{}]}', '{"assignments":[1]}', '{"assignments":[{"unit":"x","hash":"h","desiredState":"inactive","global":false}]}']) {
    expect(decodeBucket(bad)).toBeUndefined();
  }
});

test("moves, removals and reasons: shrinking writes first, then what is added; correct buckets are left alone", () => {
  const plan = planWrites(
    {
      assignments: new Map([
        ["a.service", ["m2"]],
        ["g.service", ["m1", "m2"]],
        ["web@1.service", ["m2"]],
      ]),
      unschedulable: new Map([["b.service", "no machine matches MachineMetadata x=y"]]),
    },
    facts([a, false], [b, false], [g, true], [w, false]),
    stored(
      {
        m1: { d: encodeBucket([text(a)]), b: encodeBucket([text(g, true), text(w)]), "3": encodeBucket([text(gone)]), "a.service": text(a) },
        m2: { b: "damaged" },
      },
      new Map([["gone.service", encodeUnschedulable("gone.service", "old")]]),
    ),
    ks,
  );
  expect(plan.deletes).toEqual([
    { type: "delete", key: "/d/schedule/m1/3" },
    { type: "delete", key: "/d/schedule/m1/a.service" }, // a stray key of another format
    { type: "put", key: "/d/schedule/m1/b", value: encodeBucket([text(g, true)]) },
    { type: "delete", key: "/d/schedule/m1/d" },
    { type: "delete", key: "/d/unschedulable/gone.service" },
  ]);
  expect(plan.puts).toEqual([
    { type: "put", key: "/d/schedule/m2/b", value: encodeBucket([text(g, true), text(w)]) },
    { type: "put", key: "/d/schedule/m2/d", value: encodeBucket([text(a)]) },
    { type: "put", key: "/d/unschedulable/b.service", value: encodeUnschedulable("b.service", "no machine matches MachineMetadata x=y") },
  ]);
  expect([plan.placements, plan.removals]).toEqual([3, 3]);
});

test("a bucket that loses a unit and gains another is emptied first, then written", () => {
  const plan = planWrites(
    { assignments: new Map([["g.service", ["m1"]], ["web@1.service", ["m2"]]]), unschedulable: new Map() },
    facts([g, false], [w, false]),
    stored({ m1: { b: encodeBucket([text(w)]) } }),
    ks,
  );
  expect(plan.deletes).toEqual([{ type: "delete", key: "/d/schedule/m1/b" }]);
  expect(plan.puts).toEqual([
    { type: "put", key: "/d/schedule/m1/b", value: encodeBucket([text(g)]) },
    { type: "put", key: "/d/schedule/m2/b", value: encodeBucket([text(w)]) },
  ]);
  expect([plan.placements, plan.removals]).toEqual([2, 1]);
});

test("a desired-state change rewrites only its bucket; a state already stored as decided needs no write", () => {
  const before = stored({ m1: { d: encodeBucket([text(a)]), b: encodeBucket([text(g)]) } }, new Map([["b.service", encodeUnschedulable("b.service", "why")]]));
  const decision = { assignments: new Map([["a.service", ["m1"]], ["g.service", ["m1"]]]), unschedulable: new Map([["b.service", "why"]]) };
  const same = planWrites(decision, facts([a, false], [g, false]), before, ks);
  expect([same.deletes, same.puts]).toEqual([[], []]);
  const loaded = rec("a.service", "loaded");
  const changed = planWrites(decision, facts([loaded, false], [g, false]), before, ks);
  expect(changed.deletes).toEqual([]);
  expect(changed.puts).toEqual([{ type: "put", key: "/d/schedule/m1/d", value: encodeBucket([text(loaded)]) }]);
  expect([changed.placements, changed.removals]).toEqual([0, 0]);
});

test("transactions are cut at 128 ops or about 1 MiB, whichever comes first", () => {
  const small = Array.from({ length: 300 }, (_, i) => ({ type: "put" as const, key: `k${i}`, value: "v" }));
  expect(batchesOf(small, 128, 1 << 20).map((x) => x.length)).toEqual([128, 128, 44]);
  const big = Array.from({ length: 5 }, (_, i) => ({ type: "put" as const, key: `k${i}`, value: "x".repeat(400_000) }));
  expect(batchesOf(big, 128, 1 << 20).map((x) => x.length)).toEqual([2, 2, 1]);
  const huge = [{ type: "put" as const, key: "h", value: "x".repeat(2 << 20) }, { type: "delete" as const, key: "d" }];
  expect(batchesOf(huge, 128, 1 << 20).map((x) => x.length)).toEqual([1, 1]); // one op alone may exceed; etcd then refuses it
});
