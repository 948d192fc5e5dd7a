// Scheduler scenarios, one [X-Fleet] rule at a time, read as cluster histories:
// placement, MachineID, MachineMetadata, Conflicts (MachineOf, Replaces and Global are in
// decide-affinity.test.ts).
import { scenario } from "./scenario";

describe("least-loaded placement", () => {
  test("units spread over the least-loaded machines, ties by machine id", () => {
    const s = scenario().machinesNamed(3).unit("a.service").unit("b.service").unit("c.service").unit("d.service");
    s.decide();
    expect(s.on("a.service")).toEqual(["m1"]);
    expect(s.on("b.service")).toEqual(["m2"]);
    expect(s.on("c.service")).toEqual(["m3"]);
    expect(s.on("d.service")).toEqual(["m1"]);
  });

  test("running units stay put when an empty machine joins; new work goes to it", () => {
    const s = scenario().machinesNamed(2).unit("a.service").unit("b.service").unit("c.service");
    s.decide();
    s.machine("m0").decide();
    expect([s.on("a.service"), s.on("b.service"), s.on("c.service")]).toEqual([["m1"], ["m2"], ["m1"]]);
    s.unit("d.service").decide();
    expect(s.on("d.service")).toEqual(["m0"]);
  });

  test("a dead machine's units move to the least-loaded survivors; the rest stay", () => {
    const s = scenario().machinesNamed(3);
    for (const n of ["a", "b", "c", "d", "e", "f"]) s.unit(`${n}.service`);
    s.decide();
    expect(s.unitsOn("m2")).toEqual(["b.service", "e.service"]);
    s.kill("m2").decide();
    expect(s.unitsOn("m1")).toEqual(["a.service", "b.service", "d.service"]);
    expect(s.unitsOn("m3")).toEqual(["c.service", "e.service", "f.service"]);
  });

  test("a machine that returns gets new work, not its old units back", () => {
    const s = scenario().machinesNamed(2).unit("a.service").unit("b.service");
    s.decide();
    s.kill("m2").decide();
    expect(s.unitsOn("m1")).toEqual(["a.service", "b.service"]);
    s.machine("m2").unit("c.service").decide();
    expect(s.unitsOn("m1")).toEqual(["a.service", "b.service"]);
    expect(s.on("c.service")).toEqual(["m2"]);
  });

  test("inactive units are not placed and have no reason; unloading removes the placement", () => {
    const s = scenario().machinesNamed(1).unit("a.service", {}, "inactive").unit("b.service", {}, "loaded");
    s.decide();
    expect(s.on("a.service")).toEqual([]);
    expect(s.reason("a.service")).toBeUndefined();
    expect(s.on("b.service")).toEqual(["m1"]);
    s.setState("b.service", "inactive").decide();
    expect(s.last.assignments.size).toBe(0);
    expect(s.last.unschedulable.size).toBe(0);
  });

  test("a destroyed unit disappears from the decision", () => {
    const s = scenario().machinesNamed(1).unit("a.service");
    s.decide();
    s.destroy("a.service").decide();
    expect(s.last.assignments.size).toBe(0);
  });

  test("no machines: every active unit is unschedulable with a reason", () => {
    const s = scenario().unit("a.service");
    s.decide();
    expect(s.reason("a.service")).toBe("no machines in the cluster");
  });

  test("a unit assigned to two machines (damaged state) keeps only the lowest id", () => {
    const s = scenario().machinesNamed(3).unit("a.service");
    s.current.set("a.service", ["m3", "m2"]);
    s.decide();
    expect(s.on("a.service")).toEqual(["m2"]);
  });
});

describe("MachineID", () => {
  test("pins the unit to that machine even when it is the busiest", () => {
    const s = scenario().machinesNamed(2).unit("a.service").unit("b.service", { machineId: "m1" });
    s.decide();
    expect(s.on("b.service")).toEqual(["m1"]);
  });

  test("waits while the machine is gone and lands when it returns", () => {
    const s = scenario().machinesNamed(1).unit("a.service", { machineId: "m7" });
    s.decide();
    expect(s.reason("a.service")).toBe("waiting for MachineID m7, which is not a live machine");
    s.machine("m7").decide();
    expect(s.on("a.service")).toEqual(["m7"]);
    expect(s.reason("a.service")).toBeUndefined();
  });

  test("MachineID with metadata the machine lacks is explained", () => {
    const s = scenario().machine("m1", { region: "us" }).unit("a.service", { machineId: "m1", metadata: { region: ["eu"] } });
    s.decide();
    expect(s.reason("a.service")).toBe("machine m1 does not match MachineMetadata region=eu");
  });
});

describe("MachineMetadata", () => {
  const cluster = () =>
    scenario()
      .machine("m1", { region: "us", disk: "ssd" })
      .machine("m2", { region: "eu", disk: "hdd" })
      .machine("m3", { region: "eu", disk: "ssd" });

  test("different keys AND", () => {
    const s = cluster().unit("a.service", { metadata: { region: ["eu"], disk: ["ssd"] } });
    s.decide();
    expect(s.on("a.service")).toEqual(["m3"]);
  });

  test("values of one key OR", () => {
    const s = cluster()
      .unit("a.service", { metadata: { region: ["us", "asia"] } })
      .unit("b.service", { metadata: { disk: ["hdd", "ssd"] } });
    s.decide();
    expect(s.on("a.service")).toEqual(["m1"]);
    expect(s.on("b.service")).toEqual(["m2"]);
  });

  test("no match names the requirement", () => {
    const s = cluster().unit("a.service", { metadata: { region: ["mars"] } }).unit("b.service", { metadata: { region: ["eu", "us"], rack: ["7"] } });
    s.decide();
    expect(s.reason("a.service")).toBe("no machine matches MachineMetadata region=mars");
    expect(s.reason("b.service")).toBe("no machine matches MachineMetadata rack=7 and region=eu|us");
  });

  test("a key the machine lacks never matches, whatever its name", () => {
    const s = cluster().unit("a.service", { metadata: { constructor: ["x"] } }).unit("b.service", { metadata: { toString: ["y"] } });
    s.decide();
    expect(s.reason("a.service")).toBe("no machine matches MachineMetadata constructor=x");
    expect(s.reason("b.service")).toBe("no machine matches MachineMetadata toString=y");
  });

  test("a metadata change (PATCH) moves a unit off a machine that no longer matches", () => {
    const s = cluster().unit("a.service", { metadata: { disk: ["ssd"] } });
    s.decide();
    expect(s.on("a.service")).toEqual(["m1"]);
    s.machine("m1", { region: "us", disk: "hdd" }).decide();
    expect(s.on("a.service")).toEqual(["m3"]);
  });
});

describe("Conflicts", () => {
  test("instances of a template with Conflicts=web@*.service spread one per machine", () => {
    const s = scenario().machinesNamed(3);
    for (const i of [1, 2, 3, 4]) s.unit(`web@${i}.service`, { conflicts: ["web@*.service"] });
    s.decide();
    expect([s.on("web@1.service"), s.on("web@2.service"), s.on("web@3.service")]).toEqual([["m1"], ["m2"], ["m3"]]);
    expect(s.reason("web@4.service")).toBe("conflicts with web@1.service, web@2.service, web@3.service on every eligible machine");
  });

  test("binds both ways: the unit without the option is kept away too", () => {
    for (const order of [["a", "b"], ["b", "a"]]) {
      const s = scenario().machinesNamed(1);
      for (const n of order) {
        s.unit(`${n}.service`, n === "a" ? { conflicts: ["b.service"] } : {});
        s.decide();
      }
      const [first, second] = order.map((n) => `${n}.service`) as [string, string];
      expect(s.on(first)).toEqual(["m1"]);
      expect(s.on(second)).toEqual([]);
      expect(s.reason(second)).toBe(`conflicts with ${first} on its only eligible machine m1`);
    }
  });

  test("globs with ? and [] classes, and a unit's own glob never blocks itself", () => {
    const s = scenario()
      .machinesNamed(2)
      .unit("db-1.service", { conflicts: ["db-?.service"] })
      .unit("db-2.service", { conflicts: ["db-[0-9].service"] })
      .unit("db-x.service", { conflicts: ["db-[0-9].service"] });
    s.decide();
    expect(s.on("db-1.service")).toEqual(["m1"]);
    expect(s.on("db-2.service")).toEqual(["m2"]);
    expect(s.reason("db-x.service")).toBe("conflicts with db-1.service, db-2.service on every eligible machine");
  });

  test("a unit that frees its machine lets the waiting unit in", () => {
    const s = scenario().machinesNamed(1).unit("a.service", { conflicts: ["b.service"] }).unit("b.service");
    s.decide();
    expect(s.on("b.service")).toEqual([]);
    s.setState("a.service", "inactive").decide();
    expect(s.on("b.service")).toEqual(["m1"]);
  });
});

describe("invalid units and determinism", () => {
  test("an invalid unit is never placed and says why", () => {
    const s = scenario().machinesNamed(1).invalid("bad.service", "MachineID cannot be used with Global");
    s.decide();
    expect(s.reason("bad.service")).toBe("invalid [X-Fleet] options: MachineID cannot be used with Global");
  });

  test("input order does not change the decision", () => {
    const build = (rev: boolean) => {
      const s = scenario();
      const ms = ["m3", "m1", "m2"];
      const us = ["web@2.service", "web@1.service", "db.service", "side.service", "g.service"];
      for (const m of rev ? ms.reverse() : ms) s.machine(m);
      for (const u of rev ? us.reverse() : us) {
        if (u.startsWith("web")) s.unit(u, { conflicts: ["web@*.service"] });
        else if (u === "side.service") s.unit(u, { machineOf: ["db.service"] });
        else s.unit(u, { global: u === "g.service" });
      }
      const d = s.decide();
      return [[...d.assignments].sort(), [...d.unschedulable].sort()];
    };
    expect(build(true)).toEqual(build(false));
  });
});
