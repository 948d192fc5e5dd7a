// Decision minus stored state: exactly the writes needed, deletes first, nothing rewritten
// that already says the right thing, damaged values replaced.
import { keyspace } from "../../../runtime/cluster/keys";
import { decodeAssignment, type UnitRecord } from "../../../runtime/cluster/records";
import { encodeAssignment, encodeUnschedulable, planWrites, type UnitFacts } from "../../../runtime/engine/diff";

const ks = keyspace("/d");
const rec = (name: string, desiredState: UnitRecord["desiredState"] = "launched"): UnitRecord => ({ name, options: [], hash: "h-" + name, desiredState });
const facts = (...units: [UnitRecord, boolean][]) => new Map<string, UnitFacts>(units.map(([record, global]) => [record.name, { record, global }]));

test("the assignment record is what the agent decodes", () => {
  expect(decodeAssignment(encodeAssignment(rec("a.service", "loaded"), false))).toEqual({ unit: "a.service", hash: "h-a.service", desiredState: "loaded", global: false });
});

test("moves, removals and reasons become deletes then puts; correct values are left alone", () => {
  const a = rec("a.service");
  const b = rec("b.service");
  const g = rec("g.service");
  const plan = planWrites(
    {
      assignments: new Map([
        ["a.service", ["m2"]],
        ["g.service", ["m1", "m2"]],
      ]),
      unschedulable: new Map([["b.service", "no machine matches MachineMetadata x=y"]]),
    },
    facts([a, false], [b, false], [g, true]),
    {
      schedule: new Map([
        ["m1", new Map([["a.service", encodeAssignment(a, false)], ["g.service", encodeAssignment(g, true)], ["gone.service", "{}"]])],
        ["m2", new Map([["g.service", "damaged"]])],
      ]),
      unschedulable: new Map([["gone.service", encodeUnschedulable("gone.service", "old")]]),
    },
    ks,
  );
  expect(plan.deletes).toEqual([
    { type: "delete", key: "/d/schedule/m1/a.service" },
    { type: "delete", key: "/d/schedule/m1/gone.service" },
    { type: "delete", key: "/d/unschedulable/gone.service" },
  ]);
  expect(plan.puts).toEqual([
    { type: "put", key: "/d/schedule/m2/a.service", value: encodeAssignment(a, false) },
    { type: "put", key: "/d/schedule/m2/g.service", value: encodeAssignment(g, true) },
    { type: "put", key: "/d/unschedulable/b.service", value: encodeUnschedulable("b.service", "no machine matches MachineMetadata x=y") },
  ]);
  expect([plan.placements, plan.removals]).toEqual([1, 2]);
});

test("a state already stored as decided needs no write", () => {
  const a = rec("a.service");
  const plan = planWrites(
    { assignments: new Map([["a.service", ["m1"]]]), unschedulable: new Map([["b.service", "why"]]) },
    facts([a, false]),
    { schedule: new Map([["m1", new Map([["a.service", encodeAssignment(a, false)]])]]), unschedulable: new Map([["b.service", encodeUnschedulable("b.service", "why")]]) },
    ks,
  );
  expect([plan.deletes, plan.puts]).toEqual([[], []]);
});
