// Scheduler scenarios for the rules that tie units to each other or to every machine:
// MachineOf (followers wait and move), Replaces (fleet's push-away) and Global.
import { scenario } from "./scenario";

describe("MachineOf", () => {
  test("a follower waits for its target and then lands beside it", () => {
    const s = scenario().machinesNamed(3).unit("a.service").unit("side.service", { machineOf: ["db.service"] });
    s.decide();
    expect(s.reason("side.service")).toBe("waiting for MachineOf target db.service, which is not submitted");
    s.unit("db.service", {}, "inactive").decide();
    expect(s.reason("side.service")).toBe("waiting for MachineOf target db.service, which is inactive");
    s.setState("db.service", "launched").decide();
    expect(s.on("db.service")).toEqual(["m2"]);
    expect(s.on("side.service")).toEqual(["m2"]);
  });

  test("chains land together and move together when the target's machine dies", () => {
    const s = scenario()
      .machinesNamed(3)
      .unit("c.service", { machineOf: ["b.service"] })
      .unit("b.service", { machineOf: ["a.service"] })
      .unit("z.service")
      .unit("a.service");
    s.decide();
    expect(s.unitsOn("m1")).toEqual(["a.service", "b.service", "c.service"]);
    s.kill("m1").decide();
    expect(s.unitsOn("m3")).toEqual(["a.service", "b.service", "c.service"]);
    expect(s.on("z.service")).toEqual(["m2"]);
  });

  test("a follower that does not fit beside its target explains why", () => {
    const s = scenario()
      .machine("m1", { disk: "hdd" })
      .unit("db.service")
      .unit("side.service", { machineOf: ["db.service"], metadata: { disk: ["ssd"] } })
      .unit("peer.service", { machineOf: ["db.service"], conflicts: ["db.service"] });
    s.decide();
    expect(s.reason("side.service")).toBe("machine m1 of MachineOf target db.service does not match MachineMetadata disk=ssd");
    expect(s.reason("peer.service")).toBe("conflicts with db.service on its only eligible machine m1");
  });

  test("two targets on different machines", () => {
    const s = scenario().machinesNamed(2).unit("a.service").unit("b.service").unit("f.service", { machineOf: ["a.service", "b.service"] });
    s.decide();
    expect(s.reason("f.service")).toBe("MachineOf targets a.service, b.service are not on one machine");
  });

  test("a cycle is reported, not looped on", () => {
    const s = scenario().machinesNamed(2).unit("a.service", { machineOf: ["b.service"] }).unit("b.service", { machineOf: ["a.service"] });
    s.decide();
    expect(s.reason("a.service")).toBe("MachineOf cycle: a.service → b.service → a.service");
    expect(s.reason("b.service")).toBe("MachineOf cycle: b.service → a.service → b.service");
  });

  test("a follower of a global unit goes to a machine running it", () => {
    const s = scenario()
      .machine("m1", { role: "edge" })
      .machine("m2")
      .unit("proxy.service", { global: true, metadata: { role: ["edge"] } })
      .unit("cfg.service", { machineOf: ["proxy.service"] });
    s.decide();
    expect(s.on("cfg.service")).toEqual(["m1"]);
  });
});

describe("Replaces (fleet functional/scheduling_test.go TestScheduleReplace)", () => {
  test("the replacing unit takes the least-loaded machine and pushes the replaced unit away", () => {
    const s = scenario()
      .machine("m0")
      .machine("m1")
      .unit("replace.0.service", { machineId: undefined })
      .unit("replace.1.service")
      .unit("replace.2.service", { machineOf: ["replace.1.service"] });
    s.current.set("replace.0.service", ["m0"]);
    s.current.set("replace.1.service", ["m1"]);
    s.current.set("replace.2.service", ["m1"]);
    s.unit("replace-kick0.service", { replaces: ["replace.0.service"] }).decide();
    expect(s.on("replace-kick0.service")).toEqual(["m0"]);
    expect(s.on("replace.0.service")).toEqual(["m1"]);
    expect(s.unitsOn("m1")).toEqual(["replace.0.service", "replace.1.service", "replace.2.service"]);
  });

  test("a replaced unit submitted later avoids the replacer; its followers move with it", () => {
    const s = scenario().machinesNamed(2).unit("new.service", { replaces: ["old*.service"] });
    s.decide();
    s.unit("old.service").unit("old-side.service", { machineOf: ["old.service"] }).decide();
    expect(s.on("new.service")).toEqual(["m1"]);
    expect(s.on("old.service")).toEqual(["m2"]);
    expect(s.on("old-side.service")).toEqual(["m2"]);
  });

  test("pushing a unit away takes its followers along", () => {
    const s = scenario().machinesNamed(2).unit("x.service").unit("x-side.service", { machineOf: ["x.service"] });
    s.unit("f1.service").unit("f2.service");
    s.current = new Map([["x.service", ["m1"]], ["x-side.service", ["m1"]], ["f1.service", ["m2"]], ["f2.service", ["m2"]]]);
    s.unit("r.service", { replaces: ["x.service"] }).decide();
    expect(s.unitsOn("m1")).toEqual(["r.service"]);
    expect(s.unitsOn("m2")).toEqual(["f1.service", "f2.service", "x-side.service", "x.service"]);
  });

  test("with nowhere else to go the replaced unit and its followers are unschedulable", () => {
    const s = scenario().machinesNamed(1).unit("x.service").unit("x-side.service", { machineOf: ["x.service"] });
    s.decide();
    s.unit("r.service", { replaces: ["x.service"] }).decide();
    expect(s.unitsOn("m1")).toEqual(["r.service"]);
    expect(s.reason("x.service")).toBe("is replaced by r.service on its only eligible machine m1");
    expect(s.reason("x-side.service")).toBe("waiting for MachineOf target x.service, which is not placed");
  });

  test("a mutual replacement never shares a machine (fleet ignores circular replaces)", () => {
    const s = scenario().machinesNamed(1).unit("a.service", { replaces: ["b.service"] }).unit("b.service", { replaces: ["a.service"] });
    s.decide();
    expect(s.on("a.service")).toEqual(["m1"]);
    expect(s.reason("b.service")).toBe("is replaced by a.service on its only eligible machine m1");
  });
});

describe("Replaces cycles", () => {
  test("a three-way cycle ends (each unit is pushed at most a few times) and stays valid", () => {
    const s = scenario()
      .machinesNamed(2)
      .unit("a.service", { replaces: ["b.service"] })
      .unit("b.service", { replaces: ["c.service"] })
      .unit("c.service", { replaces: ["a.service"] });
    s.decide();
    const placed = ["a.service", "b.service", "c.service"].filter((u) => s.on(u).length > 0);
    expect(placed.length).toBeGreaterThanOrEqual(2);
    for (const [r, x] of [["a", "b"], ["b", "c"], ["c", "a"]]) {
      const [mr, mx] = [s.on(`${r}.service`)[0], s.on(`${x}.service`)[0]];
      if (mr && mx) expect(mr).not.toBe(mx);
    }
  });
});

describe("Global", () => {
  test("runs on every machine matching its metadata, and on machines that join later", () => {
    const s = scenario()
      .machine("m1", { role: "edge" })
      .machine("m2", { role: "core" })
      .machine("m3", { role: "edge" })
      .unit("mon.service", { global: true })
      .unit("lb.service", { global: true, metadata: { role: ["edge"] } });
    s.decide();
    expect(s.on("mon.service")).toEqual(["m1", "m2", "m3"]);
    expect(s.on("lb.service")).toEqual(["m1", "m3"]);
    s.machine("m4", { role: "edge" }).decide();
    expect(s.on("lb.service")).toEqual(["m1", "m3", "m4"]);
    s.kill("m1").decide();
    expect(s.on("mon.service")).toEqual(["m2", "m3", "m4"]);
  });

  test("skips machines with a conflicting unit, and keeps conflicting units off its machines", () => {
    const s = scenario().machinesNamed(3).unit("x.service", { machineId: "m2" });
    s.decide();
    s.unit("g.service", { global: true, conflicts: ["x.service", "y*.service"] }).decide();
    expect(s.on("g.service")).toEqual(["m1", "m3"]);
    s.unit("y.service").decide();
    expect(s.on("y.service")).toEqual(["m2"]); // the busiest machine, the only one without g
    s.kill("m2").unit("y2.service").decide();
    expect(s.reason("y.service")).toBe("conflicts with g.service on every eligible machine");
    expect(s.reason("y2.service")).toBe("conflicts with g.service on every eligible machine");
    expect(s.on("x.service")).toEqual([]);
  });

  test("a global unit nothing matches is unschedulable", () => {
    const s = scenario().machinesNamed(2).unit("g.service", { global: true, metadata: { gpu: ["yes"] } });
    s.decide();
    expect(s.on("g.service")).toEqual([]);
    expect(s.reason("g.service")).toBe("no machine matches MachineMetadata gpu=yes");
  });
});
